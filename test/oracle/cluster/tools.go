//go:build tools

// Package tools pins the upstream kube-apiserver main package in go.mod/go.sum
// so that `go build k8s.io/kubernetes/cmd/kube-apiserver` works in this module
// with -mod=readonly. It is never compiled.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
