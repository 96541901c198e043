// Command pulumi-resource-command is a small Pulumi resource provider that
// implements the `command:local:Command` resource and the `command:local:run`
// function with the inputs and outputs of `@pulumi/command` 1.2.x, for this
// lab's offline end-to-end environment.
//
// Behaviour (the part of the upstream provider that the lab relies on):
//   - `create` runs once when the resource is created, never during a preview.
//   - With unchanged inputs nothing runs again. A change of `triggers` replaces
//     the resource (the SDK marks it replaceOnChanges); other input changes
//     run `update`, or `create` again when no `update` is given.
//   - `delete` runs when the resource is deleted (or replaced).
//   - A non-zero exit is a resource error: `exit status N: running "<cmd>"`
//     followed by the command's output.
//   - Outputs are the inputs plus `stdout` and `stderr`, each with one
//     trailing newline removed.
//   - `environment` is added to the provider's environment; `interpreter`
//     defaults to `/bin/sh -c`; `dir`, `stdin` and `logging` are honoured;
//     with `addPreviousOutputInEnv` (default true) update and delete see the
//     previous output in PULUMI_COMMAND_STDOUT / PULUMI_COMMAND_STDERR.
//
// Not implemented: `assetPaths`/`archivePaths` (rejected by Check), the
// `command:remote:*` resources.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"

	pbempty "google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/pkg/v3/resource/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

const (
	commandType = "command:local:Command"
	runFunction = "command:local:run"
)

// inputKeys are the inputs of local.Command that decide whether it changed.
var inputKeys = []resource.PropertyKey{
	"create", "update", "delete", "dir", "environment", "interpreter", "stdin",
	"logging", "addPreviousOutputInEnv", "triggers", "assetPaths", "archivePaths",
}

type commandProvider struct {
	pulumirpc.UnimplementedResourceProviderServer
	host *provider.HostClient
}

func main() {
	err := provider.Main("command", func(host *provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &commandProvider{host: host}, nil
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-command: %v\n", err)
		os.Exit(1)
	}
}

var marshalOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, marshalOpts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, marshalOpts)
}

// plain removes secret wrappers.
func plain(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

func getString(m resource.PropertyMap, key resource.PropertyKey) string {
	v, ok := m[key]
	if !ok {
		return ""
	}
	v = plain(v)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

func getBool(m resource.PropertyMap, key resource.PropertyKey, def bool) bool {
	v, ok := m[key]
	if !ok {
		return def
	}
	v = plain(v)
	if v.IsBool() {
		return v.BoolValue()
	}
	return def
}

func getStrings(m resource.PropertyMap, key resource.PropertyKey) []string {
	v, ok := m[key]
	if !ok {
		return nil
	}
	v = plain(v)
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		e = plain(e)
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

func getStringMap(m resource.PropertyMap, key resource.PropertyKey) map[string]string {
	v, ok := m[key]
	if !ok {
		return nil
	}
	v = plain(v)
	if !v.IsObject() {
		return nil
	}
	out := map[string]string{}
	for k, e := range v.ObjectValue() {
		e = plain(e)
		if e.IsString() {
			out[string(k)] = e.StringValue()
		}
	}
	return out
}

func newID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func (p *commandProvider) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (p *commandProvider) GetSchema(
	context.Context, *pulumirpc.GetSchemaRequest,
) (*pulumirpc.GetSchemaResponse, error) {
	schema, err := json.Marshal(map[string]any{"name": "command", "version": version})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetSchemaResponse{Schema: string(schema)}, nil
}

func (p *commandProvider) CheckConfig(
	_ context.Context, req *pulumirpc.CheckRequest,
) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *commandProvider) DiffConfig(
	context.Context, *pulumirpc.DiffRequest,
) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (p *commandProvider) Configure(
	context.Context, *pulumirpc.ConfigureRequest,
) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

func (p *commandProvider) Cancel(context.Context, *pbempty.Empty) (*pbempty.Empty, error) {
	return &pbempty.Empty{}, nil
}

func checkType(urn string) error {
	t := string(resource.URN(urn).Type())
	if t != commandType {
		return fmt.Errorf("unknown resource type %q: this provider implements only %s", t, commandType)
	}
	return nil
}

func (p *commandProvider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if err := checkType(req.GetUrn()); err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	for _, k := range []resource.PropertyKey{"assetPaths", "archivePaths"} {
		if v, ok := news[k]; ok && !v.IsNull() {
			failures = append(failures, &pulumirpc.CheckFailure{
				Property: string(k),
				Reason:   string(k) + " is not supported by this provider",
			})
		}
	}
	if v, ok := news["logging"]; ok && plain(v).IsString() {
		switch plain(v).StringValue() {
		case "stdout", "stderr", "stdoutAndStderr", "none":
		default:
			failures = append(failures, &pulumirpc.CheckFailure{
				Property: "logging",
				Reason:   "logging must be one of stdout, stderr, stdoutAndStderr, none",
			})
		}
	}
	return &pulumirpc.CheckResponse{Inputs: req.GetNews(), Failures: failures}, nil
}

func (p *commandProvider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	ignored := map[string]bool{}
	for _, k := range req.GetIgnoreChanges() {
		ignored[k] = true
	}
	resp := &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_NONE,
		DetailedDiff:    map[string]*pulumirpc.PropertyDiff{},
		HasDetailedDiff: true,
	}
	for _, k := range inputKeys {
		if ignored[string(k)] {
			continue
		}
		o, hasOld := olds[k]
		n, hasNew := news[k]
		if hasOld && o.IsNull() {
			hasOld = false
		}
		if hasNew && n.IsNull() {
			hasNew = false
		}
		var kind pulumirpc.PropertyDiff_Kind
		switch {
		case !hasOld && !hasNew:
			continue
		case !hasOld:
			kind = pulumirpc.PropertyDiff_ADD
		case !hasNew:
			kind = pulumirpc.PropertyDiff_DELETE
		case n.ContainsUnknowns() || !plain(o).DeepEquals(plain(n)):
			kind = pulumirpc.PropertyDiff_UPDATE
		default:
			continue
		}
		if k == "triggers" {
			kind += 1 // the *_REPLACE variant follows each kind
			resp.Replaces = append(resp.Replaces, string(k))
		}
		resp.Diffs = append(resp.Diffs, string(k))
		resp.DetailedDiff[string(k)] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	sort.Strings(resp.Diffs)
	return resp, nil
}

// lineLogger forwards complete lines to the engine as status messages.
type lineLogger struct {
	ctx  context.Context
	host *provider.HostClient
	urn  resource.URN
	mu   sync.Mutex
	buf  bytes.Buffer
}

func (l *lineLogger) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(b)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			// Keep the incomplete line for later.
			rest := line
			l.buf.Reset()
			l.buf.WriteString(rest)
			break
		}
		l.emit(strings.TrimRight(line, "\n"))
	}
	return len(b), nil
}

func (l *lineLogger) emit(line string) {
	if l.host != nil && line != "" {
		_ = l.host.LogStatus(l.ctx, diag.Info, l.urn, line)
	}
}

func (l *lineLogger) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Len() > 0 {
		l.emit(l.buf.String())
		l.buf.Reset()
	}
}

type runResult struct {
	stdout string
	stderr string
}

// run executes one command the way local.Command does.
func (p *commandProvider) run(
	ctx context.Context, urn resource.URN, command string, props resource.PropertyMap, extraEnv []string,
) (runResult, error) {
	interpreter := getStrings(props, "interpreter")
	if len(interpreter) == 0 {
		interpreter = []string{"/bin/sh", "-c"}
	}
	args := append(append([]string{}, interpreter[1:]...), command)
	cmd := exec.CommandContext(ctx, interpreter[0], args...) //nolint:gosec // running commands is the point
	cmd.Dir = getString(props, "dir")
	env := os.Environ()
	envMap := getStringMap(props, "environment")
	keys := make([]string, 0, len(envMap))
	for k := range envMap {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+envMap[k])
	}
	cmd.Env = append(env, extraEnv...)
	if stdin := getString(props, "stdin"); stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}

	logging := getString(props, "logging")
	if logging == "" {
		logging = "stdoutAndStderr"
	}
	var stdout, stderr, combined bytes.Buffer
	var outW, errW io.Writer = &stdout, &stderr
	logger := &lineLogger{ctx: ctx, host: p.host, urn: urn}
	var cw sync.Mutex
	combinedW := writerFunc(func(b []byte) (int, error) {
		cw.Lock()
		defer cw.Unlock()
		return combined.Write(b)
	})
	outW = io.MultiWriter(outW, combinedW)
	errW = io.MultiWriter(errW, combinedW)
	if logging == "stdout" || logging == "stdoutAndStderr" {
		outW = io.MultiWriter(outW, logger)
	}
	if logging == "stderr" || logging == "stdoutAndStderr" {
		errW = io.MultiWriter(errW, logger)
	}
	cmd.Stdout = outW
	cmd.Stderr = errW

	err := cmd.Run()
	logger.flush()
	res := runResult{
		stdout: strings.TrimSuffix(stdout.String(), "\n"),
		stderr: strings.TrimSuffix(stderr.String(), "\n"),
	}
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return res, fmt.Errorf("exit status %d: running %q:\n%s", exitErr.ExitCode(), command, combined.String())
		}
		return res, fmt.Errorf("running %q: %w", command, err)
	}
	return res, nil
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func previousOutputEnv(olds resource.PropertyMap) []string {
	return []string{
		"PULUMI_COMMAND_STDOUT=" + getString(olds, "stdout"),
		"PULUMI_COMMAND_STDERR=" + getString(olds, "stderr"),
	}
}

func withOutputs(inputs resource.PropertyMap, res *runResult) resource.PropertyMap {
	out := resource.PropertyMap{}
	for _, k := range inputKeys {
		if v, ok := inputs[k]; ok {
			out[k] = v
		}
	}
	if res == nil {
		out["stdout"] = resource.MakeComputed(resource.NewStringProperty(""))
		out["stderr"] = resource.MakeComputed(resource.NewStringProperty(""))
	} else {
		out["stdout"] = resource.NewStringProperty(res.stdout)
		out["stderr"] = resource.NewStringProperty(res.stderr)
	}
	return out
}

func (p *commandProvider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if err := checkType(req.GetUrn()); err != nil {
		return nil, err
	}
	inputs, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		props, err := marshal(withOutputs(inputs, nil))
		if err != nil {
			return nil, err
		}
		return &pulumirpc.CreateResponse{Id: "", Properties: props}, nil
	}
	var res runResult
	if create := getString(inputs, "create"); create != "" {
		res, err = p.run(ctx, resource.URN(req.GetUrn()), create, inputs, nil)
		if err != nil {
			return nil, err
		}
	}
	props, err := marshal(withOutputs(inputs, &res))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: newID(), Properties: props}, nil
}

func (p *commandProvider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	state, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	inputs := resource.PropertyMap{}
	for _, k := range inputKeys {
		if v, ok := state[k]; ok {
			inputs[k] = v
		}
	}
	in, err := marshal(inputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: in}, nil
}

func (p *commandProvider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		props, err := marshal(withOutputs(news, nil))
		if err != nil {
			return nil, err
		}
		return &pulumirpc.UpdateResponse{Properties: props}, nil
	}
	command := getString(news, "update")
	if command == "" {
		command = getString(news, "create")
	}
	res := runResult{stdout: getString(olds, "stdout"), stderr: getString(olds, "stderr")}
	if command != "" {
		var extra []string
		if getBool(news, "addPreviousOutputInEnv", true) {
			extra = previousOutputEnv(olds)
		}
		res, err = p.run(ctx, resource.URN(req.GetUrn()), command, news, extra)
		if err != nil {
			return nil, err
		}
	}
	props, err := marshal(withOutputs(news, &res))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

func (p *commandProvider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*pbempty.Empty, error) {
	olds, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if command := getString(olds, "delete"); command != "" {
		var extra []string
		if getBool(olds, "addPreviousOutputInEnv", true) {
			extra = previousOutputEnv(olds)
		}
		if _, err := p.run(ctx, resource.URN(req.GetUrn()), command, olds, extra); err != nil {
			return nil, err
		}
	}
	return &pbempty.Empty{}, nil
}

func (p *commandProvider) Invoke(ctx context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	if req.GetTok() != runFunction {
		return nil, fmt.Errorf("unknown function %q: this provider implements only %s", req.GetTok(), runFunction)
	}
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	command := getString(args, "command")
	if command == "" {
		return &pulumirpc.InvokeResponse{Failures: []*pulumirpc.CheckFailure{{
			Property: "command", Reason: "command is required",
		}}}, nil
	}
	res, err := p.run(ctx, "", command, args, nil)
	if err != nil {
		return nil, err
	}
	out := resource.PropertyMap{}
	for k, v := range args {
		out[k] = v
	}
	out["stdout"] = resource.NewStringProperty(res.stdout)
	out["stderr"] = resource.NewStringProperty(res.stderr)
	ret, err := marshal(out)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}
