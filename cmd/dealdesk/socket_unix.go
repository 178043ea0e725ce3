//go:build unix && !linux

package main

import (
	"net"
	"syscall"
)

// peerUID cannot tell who is at the other end here; the socket's mode
// (0600, set as it is created) is the guard.
func peerUID(net.Conn) (int, error) { return -1, errNoPeerCred }

// withUmask runs f with the process's file mode mask set to mask.
func withUmask(mask int, f func() error) error {
	umaskMu.Lock()
	defer umaskMu.Unlock()
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	return f()
}
