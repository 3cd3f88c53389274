package proc

import (
	"testing"
)

func TestHeadBuffer(t *testing.T) {
	tests := []struct {
		name          string
		writes        []string
		want          string
		wantTruncated bool
	}{
		{"under the limit", []string{"ab", "cd"}, "abcd", false},
		{"exactly the limit", []string{"abc", "de"}, "abcde", false},
		{"cut inside a write", []string{"abc", "defg"}, "abcde", true},
		{"writes after the limit dropped", []string{"abcde", "f", "g"}, "abcde", true},
		{"one long write", []string{"abcdefghij"}, "abcde", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &headBuffer{max: 5}
			for _, w := range tt.writes {
				n, err := b.Write([]byte(w))
				if n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v; want %d, nil", w, n, err, len(w))
				}
			}
			if got := string(b.Bytes()); got != tt.want {
				t.Errorf("Bytes() = %q, want %q", got, tt.want)
			}
			if got := b.Truncated(); got != tt.wantTruncated {
				t.Errorf("Truncated() = %v, want %v", got, tt.wantTruncated)
			}
		})
	}
}

func TestTailBuffer(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"under the limit", []string{"ab", "cd"}, "abcd"},
		{"exactly the limit", []string{"abc", "de"}, "abcde"},
		{"oldest bytes dropped", []string{"abc", "defg"}, "[earlier output dropped]\ncdefg"},
		{"one long write", []string{"abcdefghij"}, "[earlier output dropped]\nfghij"},
		{"long write after short", []string{"xy", "abcdefghij"}, "[earlier output dropped]\nfghij"},
		{"many small writes", []string{"a", "b", "c", "d", "e", "f", "g"}, "[earlier output dropped]\ncdefg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &tailBuffer{max: 5}
			for _, w := range tt.writes {
				n, err := b.Write([]byte(w))
				if n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v; want %d, nil", w, n, err, len(w))
				}
			}
			if got := b.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
