// Command vap-status-controller runs, on its own, the one controller that
// writes ValidatingAdmissionPolicy status.typeChecking. In Kubernetes v1.28
// that controller lives in kube-controller-manager
// ("validatingadmissionpolicy-status-controller"), not in kube-apiserver, so
// an apiserver-only control plane never populates the field. The wiring below
// is the same as k8s.io/kubernetes/cmd/kube-controller-manager/app/
// validatingadmissionpolicystatus.go; the type checking itself is upstream's.
package main

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	pluginvalidatingadmissionpolicy "k8s.io/apiserver/pkg/admission/plugin/validatingadmissionpolicy"
	"k8s.io/apiserver/pkg/cel/openapi/resolver"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller/validatingadmissionpolicystatus"
	"k8s.io/kubernetes/pkg/generated/openapi"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "path to a kubeconfig for the apiserver")
	workers := flag.Int("workers", 5, "concurrent policy syncs (kube-controller-manager's default is 5)")
	klog.InitFlags(nil)
	flag.Parse()

	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Fatalf("kubeconfig: %v", err)
	}
	cfg.UserAgent = "vap-status-controller"
	client := kubernetes.NewForConfigOrDie(cfg)

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	restMapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(client.Discovery()))
	go wait.Until(restMapper.Reset, 30*time.Second, ctx.Done()) // as kube-controller-manager does

	factory := informers.NewSharedInformerFactory(client, 0)
	typeChecker := &pluginvalidatingadmissionpolicy.TypeChecker{
		SchemaResolver: resolver.NewDefinitionsSchemaResolver(scheme.Scheme, openapi.GetOpenAPIDefinitions),
		RestMapper:     restMapper,
	}
	c, err := validatingadmissionpolicystatus.NewController(
		factory.Admissionregistration().V1beta1().ValidatingAdmissionPolicies(),
		client.AdmissionregistrationV1beta1().ValidatingAdmissionPolicies(),
		typeChecker,
	)
	if err != nil {
		klog.Fatalf("controller: %v", err)
	}
	factory.Start(ctx.Done())
	klog.Infof("starting %s with %d workers", validatingadmissionpolicystatus.ControllerName, *workers)
	c.Run(ctx, *workers)
}
