// Command pulumi-language-nodejs is a small Node.js language host for the
// Pulumi engine, written for this lab's offline end-to-end environment.
//
// The engine starts it, reads the gRPC port it prints, and asks it to run the
// project's program. Running means starting `node` on the `cmd/run` entry
// point of the project's own `@pulumi/pulumi` package, which then connects back
// to the engine's resource monitor. TypeScript is handled by that entry point
// (ts-node from the project's node_modules), exactly as with any Node.js host.
//
// Only what `pulumi preview/up/destroy/refresh/stack` needs is implemented:
// Handshake, GetPluginInfo, GetRequiredPlugins, GetRequiredPackages, Run,
// About, GetProgramDependencies, RuntimeOptionsPrompts and Cancel. Code
// generation, packing, policy packs and plugins written in Node.js are not.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"google.golang.org/grpc"
	pbempty "google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

// bailExitCode is the exit code the Node.js runtime uses after it has already
// reported an error to the engine; the host then adds no message of its own.
const bailExitCode = 32

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	running       map[*exec.Cmd]struct{}
}

func main() {
	fs := flag.NewFlagSet(os.Args[0], flag.ContinueOnError)
	// Flags the engine may pass to every plugin. Only accepted, not used.
	fs.String("tracing", "", "tracing endpoint (ignored)")
	fs.Bool("logtostderr", false, "log to stderr (ignored)")
	fs.Bool("logflow", false, "flow logging settings to child processes (ignored)")
	fs.Int("v", 0, "log verbosity (ignored)")
	fs.String("root", "", "project root (ignored; the engine sends it with each request)")
	fs.Bool("typescript", true, "kept for compatibility; runtime options decide")
	fs.String("nodeargs", "", "kept for compatibility; runtime options decide")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}

	host := &languageHost{running: map[*exec.Cmd]struct{}{}}
	if fs.NArg() > 0 {
		host.engineAddress = fs.Arg(0)
	}

	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// pulumiPackage is a Node.js package that declares a Pulumi resource plugin in
// the "pulumi" block of its package.json.
type pulumiPackage struct {
	Name    string
	Version string
	Server  string
}

// requiredPackages lists the resource plugins declared by the packages in the
// node_modules folders from the program directory up to the project root.
func requiredPackages(info *pulumirpc.ProgramInfo) ([]pulumiPackage, error) {
	if info == nil {
		return nil, nil
	}
	dirs := searchDirs(info.GetProgramDirectory(), info.GetRootDirectory())
	seen := map[string]pulumiPackage{}
	for _, d := range dirs {
		nm := filepath.Join(d, "node_modules")
		if err := scanNodeModules(nm, seen, 0); err != nil {
			return nil, err
		}
	}
	out := make([]pulumiPackage, 0, len(seen))
	for _, p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// searchDirs returns programDir and its parents, stopping at rootDir (or at
// the file system root when programDir is not below rootDir).
func searchDirs(programDir, rootDir string) []string {
	if programDir == "" {
		programDir = rootDir
	}
	var dirs []string
	d := filepath.Clean(programDir)
	root := filepath.Clean(rootDir)
	for {
		dirs = append(dirs, d)
		if d == root {
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return dirs
}

func scanNodeModules(dir string, seen map[string]pulumiPackage, depth int) error {
	if depth > 8 {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		full := filepath.Join(dir, name)
		if strings.HasPrefix(name, "@") {
			scoped, err := os.ReadDir(full)
			if err != nil {
				continue
			}
			for _, s := range scoped {
				if err := scanPackage(filepath.Join(full, s.Name()), seen, depth); err != nil {
					return err
				}
			}
			continue
		}
		if err := scanPackage(full, seen, depth); err != nil {
			return err
		}
	}
	return nil
}

func scanPackage(dir string, seen map[string]pulumiPackage, depth int) error {
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil // not a package folder
	}
	var pkg struct {
		Pulumi struct {
			Resource bool   `json:"resource"`
			Name     string `json:"name"`
			Version  string `json:"version"`
			Server   string `json:"server"`
		} `json:"pulumi"`
	}
	if json.Unmarshal(data, &pkg) == nil && pkg.Pulumi.Resource && pkg.Pulumi.Name != "" {
		v := strings.TrimPrefix(pkg.Pulumi.Version, "v")
		key := pkg.Pulumi.Name + "@" + v
		if _, ok := seen[key]; !ok {
			seen[key] = pulumiPackage{Name: pkg.Pulumi.Name, Version: v, Server: pkg.Pulumi.Server}
		}
	}
	return scanNodeModules(filepath.Join(dir, "node_modules"), seen, depth+1)
}

func (h *languageHost) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	pkgs, err := requiredPackages(req.GetInfo())
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, p := range pkgs {
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: "resource", Version: p.Version, Server: p.Server,
		})
	}
	return resp, nil
}

func (h *languageHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	pkgs, err := requiredPackages(req.GetInfo())
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, p := range pkgs {
		resp.Packages = append(resp.Packages, &pulumirpc.PackageDependency{
			Name: p.Name, Kind: "resource", Version: p.Version, Server: p.Server,
		})
	}
	return resp, nil
}

// findRunEntry locates `@pulumi/pulumi/cmd/run` in the node_modules folders
// from the program directory upwards, the way Node.js resolves the package.
func findRunEntry(programDir string) (string, error) {
	d := filepath.Clean(programDir)
	for {
		candidate := filepath.Join(d, "node_modules", "@pulumi", "pulumi", "cmd", "run")
		if st, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil && !st.IsDir() {
			return candidate, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf(
				"could not find @pulumi/pulumi in a node_modules folder above %s: run `npm ci` (or `npm install`) first",
				programDir)
		}
		d = parent
	}
}

// optionString reads a runtime option from Pulumi.yaml (runtime.options).
func optionString(opts map[string]any, key string) (string, bool) {
	v, ok := opts[key]
	if !ok || v == nil {
		return "", false
	}
	switch t := v.(type) {
	case string:
		return t, true
	case bool:
		return strconv.FormatBool(t), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	default:
		return fmt.Sprint(t), true
	}
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := req.GetPwd()
	rootDir := req.GetPwd()
	entry := req.GetProgram()
	opts := map[string]any{}
	if info != nil {
		if info.GetProgramDirectory() != "" {
			programDir = info.GetProgramDirectory()
		}
		if info.GetRootDirectory() != "" {
			rootDir = info.GetRootDirectory()
		}
		if info.GetEntryPoint() != "" {
			entry = info.GetEntryPoint()
		}
		if info.GetOptions() != nil {
			opts = info.GetOptions().AsMap()
		}
	}
	if entry == "" {
		entry = "."
	}

	runEntry, err := findRunEntry(programDir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find `node` on $PATH: " + err.Error()}, nil
	}

	h.mu.Lock()
	engineAddress := h.engineAddress
	h.mu.Unlock()

	var args []string
	if nodeargs, ok := optionString(opts, "nodeargs"); ok && strings.TrimSpace(nodeargs) != "" {
		args = append(args, strings.Fields(nodeargs)...)
	}
	args = append(args, runEntry)
	args = append(args, "--monitor="+req.GetMonitorAddress())
	if engineAddress != "" {
		args = append(args, "--engine="+engineAddress)
	}
	if req.GetOrganization() != "" {
		args = append(args, "--organization="+req.GetOrganization())
	}
	args = append(args,
		"--project="+req.GetProject(),
		"--stack="+req.GetStack(),
		"--pwd="+req.GetPwd(),
		"--root-directory="+rootDir,
	)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		args = append(args, "--parallel="+strconv.Itoa(int(req.GetParallel())))
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	env := os.Environ()
	env = append(env,
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
	)
	typescript := "true"
	if v, ok := optionString(opts, "typescript"); ok && v == "false" {
		typescript = "false"
	}
	env = append(env, "PULUMI_NODEJS_TYPESCRIPT="+typescript)
	if v, ok := optionString(opts, "tsconfig"); ok && v != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+v)
	}

	cmd := exec.Command(nodeBin, args...) //nolint:gosec // the program is the user's own
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}

	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: "could not start node: " + err.Error()}, nil
	}
	h.mu.Lock()
	h.running[cmd] = struct{}{}
	h.mu.Unlock()

	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		case <-done:
		}
	}()
	err = cmd.Wait()
	close(done)
	h.mu.Lock()
	delete(h.running, cmd)
	h.mu.Unlock()

	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code := exitErr.ExitCode()
		if code == bailExitCode {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
	}
	return &pulumirpc.RunResponse{Error: err.Error()}, nil
}

func (h *languageHost) Cancel(context.Context, *pbempty.Empty) (*pbempty.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for cmd := range h.running {
		if cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		}
	}
	return &pbempty.Empty{}, nil
}

func (h *languageHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find `node` on $PATH: %w", err)
	}
	out, err := exec.Command(nodeBin, "--version").Output() //nolint:gosec
	if err != nil {
		return nil, fmt.Errorf("running node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

func (h *languageHost) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	info := req.GetInfo()
	if info == nil {
		return resp, nil
	}
	data, err := os.ReadFile(filepath.Join(info.GetRootDirectory(), "package.json"))
	if err != nil {
		return resp, nil
	}
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		return nil, fmt.Errorf("reading package.json: %w", err)
	}
	deps := map[string]string{}
	for k, v := range pkg.Dependencies {
		deps[k] = v
	}
	if req.GetTransitiveDependencies() {
		for k, v := range pkg.DevDependencies {
			deps[k] = v
		}
	}
	names := make([]string, 0, len(deps))
	for k := range deps {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		v := deps[name]
		// Prefer the installed version over the declared range.
		if inst, err := os.ReadFile(filepath.Join(info.GetRootDirectory(), "node_modules", name, "package.json")); err == nil {
			var ip struct {
				Version string `json:"version"`
			}
			if json.Unmarshal(inst, &ip) == nil && ip.Version != "" {
				v = ip.Version
			}
		}
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: name, Version: v})
	}
	return resp, nil
}

func (h *languageHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}
