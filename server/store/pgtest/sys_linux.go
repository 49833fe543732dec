package pgtest

import "syscall"

// sysProcAttr runs a child as cred (nil: as us) and kills it if the test
// binary dies without stopping it.
func sysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	// Its own process group, so that Freeze stops every backend too.
	return &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL, Setpgid: true}
}
