package main

import (
	"context"
	"errors"
	"io"
)

// runPolicy is not written yet (scaffold; its issue replaces this file).
func runPolicy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("policy: not implemented yet")
}
