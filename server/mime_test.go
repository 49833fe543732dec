package server_test

import "mime"

type mimeWordDecoder = mime.WordDecoder
