package site

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestWaitFor: the words for a 429's Retry-After, as the pages' script
// (styrkeForm.waited) chooses them: the change's quarter of an hour is
// "about 15 minutes", the request rate's second "a few seconds".
func TestWaitFor(t *testing.T) {
	en := Texts("en")
	tests := []struct {
		seconds int
		want    string
	}{
		{0, "a little while"},
		{-1, "a little while"},
		{1, "a few seconds"},
		{10, "a few seconds"},
		{11, "a minute"},
		{90, "a minute"},
		{91, "a couple of minutes"},
		{300, "a couple of minutes"},
		{301, "about 5 minutes"},
		{400, "about 7 minutes"},
		{900, "about 15 minutes"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, en.WaitFor(tt.seconds), "%d s", tt.seconds)
	}
	assert.Equal(t, "omtrent 15 minutter", Texts("nb").WaitFor(900))
	assert.Equal(t, "omtrent 15 minutt", Texts("nn").WaitFor(900))
}
