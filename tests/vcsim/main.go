// Command vcsim is the test suite's launcher for govmomi's vCenter simulator.
//
// Debian's golang-github-vmware-govmomi-dev (0.24.2) ships the simulator's packages but no
// vcsim command, so tests/vcsim/build.sh builds this file instead. It serves the default
// vCenter model (simulator.VPX()) with the REST endpoints registered, over TLS with the
// certificate and key it is given, on a loopback address only.
//
// Once listening it prints one line of JSON to stdout, for example
//
//	{"url":"https://127.0.0.1:40123","datastore":"/tmp/govcsim-DC0-LocalDS_0-1@folder-5",...}
//
// and then serves until its standard input reaches end of file or it gets SIGTERM or SIGINT,
// when it removes the model's datastore directories and exits 0.
//
// Usage:
//
//	vcsim -cert leaf.pem -key leaf.key [-listen 127.0.0.1:0] [-idle-timeout 0s]
package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"

	// Registered for their side effects (simulator.RegisterEndpoint in their init):
	// /rest/com/vmware/cis/{session,tagging/*}, /rest/com/vmware/content/*, ...
	_ "github.com/vmware/govmomi/vapi/simulator"
	// /rest/vcenter/cluster/modules*
	_ "github.com/vmware/govmomi/vapi/cluster/simulator"
	// /api/vcenter/namespace-management/*
	_ "github.com/vmware/govmomi/vapi/namespace/simulator"
)

// ready is the line printed once the server is listening. The VM is the first by inventory
// name, so that it is the same from run to run; host and resource pool are its own.
type ready struct {
	URL          string `json:"url"`
	PID          int    `json:"pid"`
	Datacenter   string `json:"datacenter"`
	Cluster      string `json:"cluster"`
	Host         string `json:"host"`
	ResourcePool string `json:"resource_pool"`
	Datastore    string `json:"datastore"`
	VM           string `json:"vm"`
	VMName       string `json:"vm_name"`
}

// first returns the entity of the given kind whose inventory name sorts first.
func first(kind string) mo.Entity {
	all := simulator.Map.All(kind)
	if len(all) == 0 {
		log.Fatalf("the model has no %s", kind)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Entity().Name < all[j].Entity().Name })
	return all[0]
}

func main() {
	cert := flag.String("cert", "", "PEM certificate (chain) to serve (required)")
	key := flag.String("key", "", "PEM private key of -cert (required)")
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to listen on (port 0: a free one)")
	idle := flag.Duration("idle-timeout", 0, "expire sessions idle this long (0: never)")
	flag.Parse()
	log.SetPrefix("vcsim: ")

	if *cert == "" || *key == "" {
		log.Fatal("-cert and -key are required")
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		log.Fatalf("-listen %q: %v", *listen, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		log.Fatalf("-listen %q: only a loopback IP address is allowed", *listen)
	}
	pair, err := tls.LoadX509KeyPair(*cert, *key)
	if err != nil {
		log.Fatal(err)
	}
	simulator.SessionIdleTimeout = *idle

	model := simulator.VPX()
	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	defer model.Remove()

	model.Service.RegisterEndpoints = true
	model.Service.Listen = &url.URL{Host: *listen}
	model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	server := model.Service.NewServer()
	defer server.Close()

	out := ready{URL: "https://" + server.URL.Host, PID: os.Getpid()}
	vm := first("VirtualMachine").(*simulator.VirtualMachine) // DC0_C0_RP0_VM0, in cluster DC0_C0
	out.VM, out.VMName = vm.Self.Value, vm.Name
	out.Host = vm.Runtime.Host.Value
	out.ResourcePool = vm.ResourcePool.Value
	out.Datacenter = first("Datacenter").Reference().Value
	out.Cluster = first("ClusterComputeResource").Reference().Value
	out.Datastore = first("Datastore").Reference().Value
	line, err := json.Marshal(out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(line))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		_, _ = io.Copy(ioutil.Discard, os.Stdin)
		stop <- syscall.SIGTERM
	}()
	<-stop
}
