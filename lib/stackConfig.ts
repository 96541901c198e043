// Reads the stack's configuration through Pulumi and stops the program with a clear message when it is bad.
import * as fs from "node:fs";
import * as os from "node:os";
import * as pulumi from "@pulumi/pulumi";
import { LabConfigError, parseLabConfig, projectKeys, type LabConfig } from "./config";

export function readLabConfig(): LabConfig {
  const raw = projectKeys(pulumi.runtime.allConfig(), pulumi.getProject());
  if (raw.kubeconfig?.startsWith("~/")) raw.kubeconfig = `${os.homedir()}${raw.kubeconfig.slice(1)}`;
  try {
    return parseLabConfig(raw, { fileExists: (path) => fs.existsSync(path) });
  } catch (error) {
    // A RunError ends the program with its message alone, without a stack trace.
    if (error instanceof LabConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
