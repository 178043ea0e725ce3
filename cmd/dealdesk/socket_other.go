//go:build !unix

package main

import "net"

// peerUID cannot tell who is at the other end here; the socket's folder
// is the guard.
func peerUID(net.Conn) (int, error) { return -1, errNoPeerCred }

// withUmask runs f: there is no file mode mask on this system.
func withUmask(_ int, f func() error) error { return f() }
