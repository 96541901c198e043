// Command k8s-schema-embed writes the two files that the Kubernetes provider's
// main package embeds but that its module does not ship:
//
//   - schema-embed.json: the committed schema.json, read as a Pulumi package
//     schema, with its "version" set to the provider version, re-encoded
//     compactly;
//   - terraform-mapping-embed.json: terraform-mapping.json re-encoded compactly.
//
// It is built inside the provider module, so it reads the schema with the same
// github.com/pulumi/pulumi/pkg/v3 version that the provider itself uses.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	dir := flag.String("dir", ".", "folder holding schema.json and terraform-mapping.json")
	version := flag.String("version", "", "provider version to record in the schema (required)")
	flag.Parse()
	if *version == "" {
		fail(fmt.Errorf("-version is required"))
	}

	raw, err := os.ReadFile(filepath.Join(*dir, "schema.json"))
	if err != nil {
		fail(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		fail(fmt.Errorf("schema.json: %w", err))
	}
	spec.Version = *version
	out, err := json.Marshal(spec)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(filepath.Join(*dir, "schema-embed.json"), out, 0o644); err != nil {
		fail(err)
	}

	raw, err = os.ReadFile(filepath.Join(*dir, "terraform-mapping.json"))
	if err != nil {
		fail(err)
	}
	var mapping any
	if err := json.Unmarshal(raw, &mapping); err != nil {
		fail(fmt.Errorf("terraform-mapping.json: %w", err))
	}
	out, err = json.Marshal(mapping)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(filepath.Join(*dir, "terraform-mapping-embed.json"), out, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "k8s-schema-embed: %v\n", err)
	os.Exit(1)
}
