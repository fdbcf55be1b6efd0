// Command render writes the built-in RBAC policy of the k8s.io/kubernetes it is built against as
// the six bootstrap-policy golden files (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/
// *.yaml), plus feature-gates.json: the default of each feature gate named on the command line.
//
// It is built inside a Go module that vendors k8s.io/kubernetes (kubeedge/kubeedge release tags;
// see ../render.sh), in vendor mode with no network. The files have the golden files' form: a v1
// List of the objects sorted by name (namespace roles: by namespace, then name), each with its
// apiVersion and kind, as JSON turned into YAML by sigs.k8s.io/yaml (keys sorted).
//
// Usage: render OUTDIR [FEATURE-GATE...]
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/featuregate"
	"k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy"
	"sigs.k8s.io/yaml"
)

// item is one object of a List with its namespace and name, for sorting.
type item struct {
	namespace, name string
	object          interface{}
}

// withType returns obj as a JSON object carrying apiVersion and kind.
func withType(obj interface{}, gv schema.GroupVersion, kind string) (map[string]interface{}, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	out := map[string]interface{}{}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	out["apiVersion"] = gv.String()
	out["kind"] = kind
	return out, nil
}

func writeList(dir, file, kind string, items []item) error {
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].namespace != items[j].namespace {
			return items[i].namespace < items[j].namespace
		}
		return items[i].name < items[j].name
	})
	objects := make([]interface{}, 0, len(items))
	for _, it := range items {
		obj, err := withType(it.object, rbacv1.SchemeGroupVersion, kind)
		if err != nil {
			return err
		}
		objects = append(objects, obj)
	}
	list := map[string]interface{}{"apiVersion": "v1", "kind": "List", "metadata": map[string]interface{}{}, "items": objects}
	raw, err := json.Marshal(list)
	if err != nil {
		return err
	}
	out, err := yaml.JSONToYAML(raw)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, file), out, 0o644)
}

func clusterRoles(roles []rbacv1.ClusterRole) []item {
	out := make([]item, 0, len(roles))
	for i := range roles {
		out = append(out, item{"", roles[i].Name, &roles[i]})
	}
	return out
}

func clusterRoleBindings(bindings []rbacv1.ClusterRoleBinding) []item {
	out := make([]item, 0, len(bindings))
	for i := range bindings {
		out = append(out, item{"", bindings[i].Name, &bindings[i]})
	}
	return out
}

func namespaceRoles() []item {
	var out []item
	for ns, roles := range bootstrappolicy.NamespaceRoles() {
		for i := range roles {
			out = append(out, item{ns, roles[i].Name, &roles[i]})
		}
	}
	return out
}

func namespaceRoleBindings() []item {
	var out []item
	for ns, bindings := range bootstrappolicy.NamespaceRoleBindings() {
		for i := range bindings {
			out = append(out, item{ns, bindings[i].Name, &bindings[i]})
		}
	}
	return out
}

func run(dir string, gates []string) error {
	files := []struct {
		file, kind string
		items      []item
	}{
		{"cluster-roles.yaml", "ClusterRole", clusterRoles(bootstrappolicy.ClusterRoles())},
		{"cluster-role-bindings.yaml", "ClusterRoleBinding", clusterRoleBindings(bootstrappolicy.ClusterRoleBindings())},
		{"controller-roles.yaml", "ClusterRole", clusterRoles(bootstrappolicy.ControllerRoles())},
		{"controller-role-bindings.yaml", "ClusterRoleBinding", clusterRoleBindings(bootstrappolicy.ControllerRoleBindings())},
		{"namespace-roles.yaml", "Role", namespaceRoles()},
		{"namespace-role-bindings.yaml", "RoleBinding", namespaceRoleBindings()},
	}
	for _, f := range files {
		if err := writeList(dir, f.file, f.kind, f.items); err != nil {
			return fmt.Errorf("%s: %w", f.file, err)
		}
	}
	defaults := map[string]bool{}
	for _, g := range gates {
		defaults[g] = utilfeature.DefaultFeatureGate.Enabled(featuregate.Feature(g))
	}
	raw, err := json.MarshalIndent(defaults, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "feature-gates.json"), append(raw, '\n'), 0o644)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: render OUTDIR [FEATURE-GATE...]")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
}
