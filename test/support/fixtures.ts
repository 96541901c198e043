// Loads the captured tool outputs under test/fixtures (see test/fixtures/CAPTURE.md).
import { readFileSync } from "node:fs";
import * as path from "node:path";

export const FIXTURES_DIR = path.resolve(__dirname, "..", "fixtures");

export interface Capture {
  stdout: string;
  stderr: string;
  exit: number;
}

export function capture(group: string, name: string): Capture {
  const read = (ext: string) => readFileSync(path.join(FIXTURES_DIR, group, `${name}.${ext}`), "utf8");
  return { stdout: read("stdout"), stderr: read("stderr"), exit: Number(read("exit").trim()) };
}

export function fixtureText(group: string, file: string): string {
  return readFileSync(path.join(FIXTURES_DIR, group, file), "utf8");
}
