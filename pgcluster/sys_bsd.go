//go:build unix && !linux

package pgcluster

import "syscall"

// setParentDeathSignal does nothing: only Linux has a parent-death signal.
func setParentDeathSignal(*syscall.SysProcAttr) {}

// isPostgresProcess reports true: without /proc a live pid is assumed to be
// the server.
func isPostgresProcess(int) bool { return true }
