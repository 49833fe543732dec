package meter_test

import (
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
)

// TestCellsAreOneList: in Chromium's accessibility tree the cells are one
// list with one item per character. The cells sit in layout groups of 8
// (role none); a screen reader must hear "list, 20 items", not 3 lists or
// 3 groups. The list grows and shrinks with the password. (Every password
// here is longer than the checklist, the page's other list, can be.)
func TestCellsAreOneList(t *testing.T) {
	tab := open(t, "/index.html")
	for _, pw := range []string{"Fjellvann!Morgen-K9", "Fjellvann!Morgen-Kaffe9 blåbær", "kortpassord"} {
		setValue(t, tab, "pw", pw)
		n := len([]rune(pw))
		chrome.Poll[bool](t, tab, meterJS+`.shadowRoot.querySelectorAll(".cell").length === `+js(n))
		tree, err := chromedp.Call(tab, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
		require.NoError(t, err)
		byID := map[accessibility.NodeID]*accessibility.Node{}
		for _, node := range tree.Nodes {
			byID[node.NodeID] = node
		}
		role := func(node *accessibility.Node) string {
			if node.Role == nil {
				return ""
			}
			return string(node.Role.Value)
		}
		// Each list item's nearest ancestor that is not ignored.
		items := map[accessibility.NodeID]int{}
		for _, node := range tree.Nodes {
			if node.Ignored || role(node) != `"listitem"` {
				continue
			}
			p := byID[node.ParentID]
			for p != nil && p.Ignored {
				p = byID[p.ParentID]
			}
			require.NotNil(t, p, "list item without a parent")
			items[p.NodeID]++
		}
		cellLists := 0
		for id, count := range items {
			if role(byID[id]) == `"list"` && count == n {
				cellLists++
			}
		}
		assert.Equal(t, 1, cellLists, "one list of %d items for %q's cells; lists found: %v", n, pw, items)
	}
}
