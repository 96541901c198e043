// The break-it exercises: the config key `exercise` names one, and the lab deploys its mistake into its own
// objects (never anything outside its namespace). Pure: no Pulumi import.
import type { LabConfig } from "../config";
import { POD_DEMO } from "../tutorial";
import { dnsNowhere } from "./dnsNowhere";
import type { Exercise, ExerciseExpectation, ExerciseLab, PodDns } from "./exercise";
import { selectorTypo } from "./selectorTypo";
import { wrongTargetPort } from "./wrongTargetPort";

export type { Exercise, ExerciseExpectation, ExerciseLab, PodDns } from "./exercise";

export const EXERCISE_NAMES = ["wrong-target-port", "selector-typo", "dns-nowhere"] as const;
export type ExerciseName = (typeof EXERCISE_NAMES)[number];

export const EXERCISES: Record<ExerciseName, Exercise> = {
  "wrong-target-port": wrongTargetPort,
  "selector-typo": selectorTypo,
  "dns-nowhere": dnsNowhere,
};

/** What ConnectivityChecks judges the checks against. */
export interface ExercisePlan extends ExerciseExpectation {
  name: string;
  mistake: string;
}

/** The exercise the config switches on, if any. */
export function exerciseOf(config: Pick<LabConfig, "exercise">): Exercise | undefined {
  return config.exercise === undefined ? undefined : EXERCISES[config.exercise];
}

/** The config with the exercise's mistake in the settings it changes (a Service's targetPort). */
export function withExercise(config: LabConfig): LabConfig {
  const services = exerciseOf(config)?.services;
  return services === undefined ? config : { ...config, services: services(config.services) };
}

export function exerciseLab(
  config: Pick<LabConfig, "namespace" | "clusterDomain" | "services">,
): ExerciseLab {
  return {
    namespace: config.namespace,
    clusterDomain: config.clusterDomain,
    services: { httpd: config.services.httpd.name, nginx: config.services.nginx.name },
    clientPod: POD_DEMO.podName,
  };
}

/** The selector a Service gets: the exposed pod's, or the exercise's misspelling of it. */
export function selectorFor(
  exercise: Exercise | undefined,
  service: "httpd" | "nginx",
  selector: Record<string, string>,
): Record<string, string> {
  return exercise?.selector?.(service, selector) ?? selector;
}

/** The client pod's DNS settings when the exercise breaks them; undefined leaves the cluster's. */
export function clientDnsFor(exercise: Exercise | undefined, lab: ExerciseLab): PodDns | undefined {
  return exercise?.clientDns?.(lab);
}

/** The exercise as the checks judge it: its name, its mistake and the failures it must show. */
export function exercisePlan(exercise: Exercise | undefined, lab: ExerciseLab): ExercisePlan | undefined {
  if (exercise === undefined) return undefined;
  return { name: exercise.name, mistake: exercise.mistake, ...exercise.expected(lab) };
}
