package breach

import "time"

// SetNow replaces c's clock, for tests of the cache's expiry.
func SetNow(c *Client, now func() time.Time) { c.now = now }
