package filesum_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/storage/internal/filesum"
)

func TestCheck(t *testing.T) {
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if err := filesum.Check(abc, []byte("abc")); err != nil {
		t.Fatal(err)
	}
	if err := filesum.Check(abc, []byte("abd")); err == nil {
		t.Fatal("another content passed")
	}
	if err := filesum.Check("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", []byte("abc")); err == nil {
		t.Fatal("an upper-case name passed: files are named in lower case")
	}
}
