package main

import (
	"context"

	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/server/loadtest"
	"github.com/styrke-iam/styrke/server/store/backend"
)

// benchCompleteAD measures complete with the password set in a throwaway
// Samba AD DC (dirtest), on a fresh SQLite store at db.
func benchCompleteAD(ctx context.Context, db, breachURL string, c config) (loadtest.Result, error) {
	sctx, cancel := context.WithTimeout(ctx, dirtest.StartTimeout)
	ad, err := dirtest.StartSamba(sctx)
	cancel()
	if err != nil {
		return loadtest.Result{}, err
	}
	defer ad.Close()
	d, err := directory.Open(directory.Config{URL: "ad://" + ad.HostPort(), BindDN: ad.ServiceDN,
		Password: ad.ServicePassword, Base: ad.PeopleDN, CA: ad.CAFile})
	if err != nil {
		return loadtest.Result{}, err
	}
	st, err := backend.Open(ctx, "sqlite:"+db)
	if err != nil {
		return loadtest.Result{}, err
	}
	defer st.Close()
	base, closeSrv, err := start(st, breachURL, &directory.Set{Default: d})
	if err != nil {
		return loadtest.Result{}, err
	}
	defer closeSrv()
	return benchComplete(ctx, st, base, c, func(user string) error {
		_, err := ad.CreateUser(user, "Initial!Passw0rd-2026")
		return err
	})
}
