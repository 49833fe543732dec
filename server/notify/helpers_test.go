package notify_test

import "mime"

var mimeDecoder mime.WordDecoder
