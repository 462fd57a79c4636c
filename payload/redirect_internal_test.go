package payload

import (
	"net/url"
	"testing"
)

// sameOrigin compares scheme and host without regard to case, and takes
// an absent port as the scheme's default.
func TestSameOrigin(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"https://westus.api.cognitive.microsoft.com", "https://westus.api.cognitive.microsoft.com/face/x?y=1", true},
		{"https://westus.api.cognitive.microsoft.com", "HTTPS://WestUS.API.cognitive.microsoft.com:443/x", true},
		{"https://h:443/base", "https://h/x", true},
		{"http://h", "http://H:80/x", true},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/x", true},
		{"http://[::1]:8080", "http://[::1]:8080/x", true},
		{"https://h", "http://h/x", false},     // downgrade
		{"https://h", "http://h:443/x", false}, // downgrade, same port
		{"http://h", "https://h/x", false},
		{"https://h", "https://h:8443/x", false},
		{"https://h:443", "https://h:80/x", false},
		{"http://127.0.0.1:8080", "http://localhost:8080/x", false},
		{"http://127.0.0.1:8080", "http://127.0.0.2:8080/x", false},
		{"https://h", "https://h.evil.example/x", false},
		{"https://h", "https://evil.example/h", false},
		{"https://h", "ftp://h/x", false},
		{"https://h", "https:///x", false},
		{"https://h", "https:h", false},
	} {
		a, err := url.Parse(c.a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := url.Parse(c.b)
		if err != nil {
			t.Fatal(err)
		}
		if got := sameOrigin(a, b); got != c.want {
			t.Errorf("sameOrigin(%s, %s) = %v", c.a, c.b, got)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.255.0.9": true, "::1": true, "::ffff:127.0.0.1": true,
		"": false, "localhost.": false, "a.localhost": false, "0.0.0.0": false, "::": false, "10.0.0.1": false, "128.0.0.1": false,
		"2130706433": false, "example.com": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v", host, got)
		}
	}
}
