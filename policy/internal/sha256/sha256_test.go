package sha256_test

import (
	stdsha256 "crypto/sha256"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy/internal/sha256"
)

// TestSumMatchesCrypto: Sum equals crypto/sha256 on every length from 0 to
// 299 bytes (every padding case, one to five blocks).
func TestSumMatchesCrypto(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		require.Equal(t, stdsha256.Sum256(data), sha256.Sum(data), "length %d", n)
	}
}

func FuzzSum(f *testing.F) {
	f.Add([]byte("abc"))
	f.Add(make([]byte, 55))
	f.Add(make([]byte, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		if stdsha256.Sum256(data) != sha256.Sum(data) {
			t.Fatalf("Sum differs from crypto/sha256 on %d bytes", len(data))
		}
	})
}
