package main

import (
	"context"
	"errors"
	"io"
)

// runActivation is not written yet (scaffold; its issue replaces this file).
func runActivation(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("activation: not implemented yet")
}
