//go:build !unix

package pgcluster

import (
	"context"
	"errors"
	"syscall"
)

var errUnsupported = errors.New("pgcluster: a managed PostgreSQL needs a Unix system: set database.url")

type osUser struct{ name string }

func isRoot() bool { return false }

func lookupServerUser() (*osUser, error) { return nil, errUnsupported }

func (u *osUser) procAttr(setsid, diesWithParent bool) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{}
}

func prepareDataDir(string, *osUser, func(string, ...any)) error { return errUnsupported }

func checkOwner(string, *osUser) error { return errUnsupported }

func lockFile(context.Context, string) (func(), error) { return nil, errUnsupported }

func processExists(int) bool { return false }

func serverAlive(int) bool { return false }

func signalServer(int, bool) error { return errUnsupported }
