// Command etcd is the etcd v3.5 server, built from go.etcd.io/etcd/server/v3
// at the version pinned in go.mod (the one k8s.io/kubernetes v1.28 uses).
// etcdmain.Main is the whole `etcd` binary; the etcd repository's own main
// package sits in another module (go.etcd.io/etcd/v3) that also drags in
// etcdctl and etcdutl, so this wrapper is used instead.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
