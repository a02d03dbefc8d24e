package pgcluster

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// setParentDeathSignal makes the kernel ask the server for a fast shutdown
// when the thread that started it dies.
func setParentDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGINT
}

// isPostgresProcess reports whether pid runs the postgres program, so that
// a recycled pid in a stale postmaster.pid is not taken for a server. It
// reports true when /proc cannot tell.
func isPostgresProcess(pid int) bool {
	comm, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return true
	}
	return string(bytes.TrimSpace(comm)) == "postgres"
}
