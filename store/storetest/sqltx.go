package storetest

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/nhacviec/nhacviec/store"
)

// SQLTx runs fn in a transaction on st's connection pool, committing when
// fn returns nil, for fixtures that insert rows with their own SQL. Product
// code uses store.Store.Tx instead.
func SQLTx(ctx context.Context, st *store.Store, fn func(tx *sqlx.Tx) error) error {
	tx, err := st.DB().BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storetest: begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storetest: commit: %w", err)
	}
	return nil
}
