package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"sync"
	"syscall"
)

// The control socket is a credential as good as the database file: whoever
// connects may copy the database or make themselves an admin. So it is
// created with the owner's mode already set, and each connection's peer is
// checked where the system tells who it is.

// allowPeer reports whether a process running as uid may use the control
// socket: one of this process's user, or root.
func allowPeer(uid int) bool { return uid == os.Getuid() || uid == 0 }

// errNoPeerCred is peerUID's answer where the system cannot tell who is at
// the other end of a unix socket; the socket's mode is then the only guard.
var errNoPeerCred = errors.New("peer credentials are not available on this system")

// umaskMu serializes withUmask: the mask belongs to the process, so two
// changes at once would restore each other's.
var umaskMu sync.Mutex

// createSocket makes the unix socket at path, readable and writable by its
// owner only from the moment it exists, and listens on it. It replaces a
// socket left by a DealDesk that did not stop cleanly, and leaves anything
// else at path alone. Its errors say what to do.
func createSocket(path string) (net.Listener, error) {
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode().Type() != fs.ModeSocket:
		return nil, fmt.Errorf("control socket: %s exists and is not a socket; "+
			"set DEALDESK_CONTROL_SOCKET to another place", path)
	case err == nil:
		if err := os.Remove(path); err != nil {
			return nil, socketError(path, err)
		}
	}
	var l net.Listener
	err = withUmask(0o177, func() (err error) {
		l, err = net.Listen("unix", path)
		return err
	})
	if err != nil {
		return nil, socketError(path, err)
	}
	return l, nil
}

// maxSocketPath is the longest path a unix socket may have on every system
// DealDesk runs on (the sun_path field is 104 bytes on the BSDs, 108 on
// Linux, with its terminating zero).
const maxSocketPath = 103

// socketError explains why the socket at path cannot be made.
func socketError(path string, err error) error {
	why := err.Error()
	switch {
	case errors.Is(err, syscall.EROFS):
		why = "the folder is read-only"
	case errors.Is(err, fs.ErrPermission):
		why = "the folder is not writable for this user"
	case errors.Is(err, fs.ErrNotExist):
		why = "the folder does not exist"
	case len(path) > maxSocketPath:
		why = fmt.Sprintf("the path is longer than a unix socket's %d bytes", maxSocketPath)
	}
	return fmt.Errorf("control socket: cannot create %s: %s; set DEALDESK_CONTROL_SOCKET to a writable place", path, why)
}

// checkPeer reports whether allow accepts the user of the process at the
// other end of conn, and that user's id (-1 when unknown).
func checkPeer(conn net.Conn, allow func(uid int) bool) (uid int, ok bool) {
	uid, err := peerUID(conn)
	switch {
	case errors.Is(err, errNoPeerCred):
		return -1, true
	case err != nil:
		return -1, false
	}
	return uid, allow(uid)
}
