package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// cleanTx is a pgx transaction whose statements' text arguments never carry
// the NUL character, which PostgreSQL's text refuses (an error that would
// abort the whole transaction): it becomes U+FFFD, as in the records' JSON
// (encode). A lookup by a key with a NUL then finds nothing, as no stored
// key has one, and a key written with one is stored with U+FFFD instead of
// failing the change. Chat text can carry a NUL (Telegram's and
// Mattermost's JSON allow \u0000), and a forged button payload too.
type cleanTx struct {
	pgx.Tx
}

func (t cleanTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return t.Tx.Exec(ctx, sql, cleanArgs(args)...)
}

func (t cleanTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return t.Tx.Query(ctx, sql, cleanArgs(args)...)
}

func (t cleanTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return t.Tx.QueryRow(ctx, sql, cleanArgs(args)...)
}

func (t cleanTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	for _, q := range b.QueuedQueries {
		q.Arguments = cleanArgs(q.Arguments)
	}
	return t.Tx.SendBatch(ctx, b)
}

// cleanArgs replaces NUL in the string arguments (and string slices); the
// slice is copied only when one has a NUL.
func cleanArgs(args []any) []any {
	var out []any
	for i, a := range args {
		var c any
		switch v := a.(type) {
		case string:
			if strings.IndexByte(v, 0) >= 0 {
				c = cleanString(v)
			}
		case []string:
			for _, s := range v {
				if strings.IndexByte(s, 0) >= 0 {
					cs := make([]string, len(v))
					for j, s := range v {
						cs[j] = cleanString(s)
					}
					c = cs
					break
				}
			}
		}
		if c == nil {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = c
	}
	if out == nil {
		return args
	}
	return out
}

func cleanString(s string) string { return strings.ReplaceAll(s, "\x00", "\uFFFD") }
