// Package ratelimit is the arithmetic of a token bucket whose state is kept
// by the caller (in the database, so that every replica of serve shares
// it) and whose time comes from the caller's clock.
//
// golang.org/x/time/rate keeps its state inside a Limiter in memory and
// cannot be restored from a stored state, so it does not fit a limit that
// several processes decide in one table.
package ratelimit

import "time"

// Limit is a bucket of Burst tokens that regains one token every Every.
// A Limit with Burst below 1 allows nothing; with Every zero or negative it
// never refills after its first Burst.
type Limit struct {
	Burst int
	Every time.Duration
}

// Bucket is the state of one bucket: Tokens left at instant At.
type Bucket struct {
	Tokens float64
	At     time.Time
}

// Full returns a full bucket at now.
func (l Limit) Full(now time.Time) Bucket {
	return Bucket{Tokens: float64(l.Burst), At: now}
}

// Refill returns b as of now: the tokens regained since b.At, capped at
// Burst. A clock that went back (another replica's, or a fake one) regains
// nothing and keeps b.At, so that time is never counted twice.
func (l Limit) Refill(b Bucket, now time.Time) Bucket {
	if !now.After(b.At) {
		return b
	}
	if l.Every > 0 {
		b.Tokens += float64(now.Sub(b.At)) / float64(l.Every)
	}
	if full := float64(l.Burst); b.Tokens > full {
		b.Tokens = full
	}
	b.At = now
	return b
}

// Take refills b to now and takes one token. It reports whether there was
// one; when not, the bucket is returned refilled but otherwise unchanged,
// so that refused attempts do not push the next allowed one further away.
func (l Limit) Take(b Bucket, now time.Time) (Bucket, bool) {
	b = l.Refill(b, now)
	if b.Tokens < 1 {
		return b, false
	}
	b.Tokens--
	return b, true
}
