// What an exercise is: one named mistake the lab deploys into its own objects, and the failures the checks
// must then show, each diagnosed by a named rule (lib/checks/diagnosis). Pure: no Pulumi import.
import type { LabName, ServiceConfig } from "../config";

/** The lab's names an exercise's mistake and its expected failures are about. */
export interface ExerciseLab {
  namespace: string;
  clusterDomain: string;
  /** The Services' names in the cluster: the one exposing pod-httpd, the one exposing pod-nginx. */
  services: { httpd: string; nginx: string };
  /** The tutorial's client pod (pod-demo), which runs the checks by a Service's name. */
  clientPod: string;
}

/** What the checks must show: exactly these checks fail, each diagnosed by this rule. */
export interface ExerciseExpectation {
  failing: string[];
  rule: string;
}

/** A pod's DNS settings, as a Pod's spec takes them. */
export interface PodDns {
  dnsPolicy: "None";
  dnsConfig: {
    nameservers: string[];
    searches: string[];
    options: { name: string; value?: string }[];
  };
}

export interface Exercise {
  name: string;
  /** The mistake, in words a learner reads before looking. */
  mistake: string;
  /** What a learner should see in the report. */
  symptom: string;
  /** The labs whose objects the mistake is in, or whose checks show it. */
  needs: readonly LabName[];
  expected(lab: ExerciseLab): ExerciseExpectation;
  /** The Services' settings with the mistake in them, when it is in their settings. */
  services?(services: { httpd: ServiceConfig; nginx: ServiceConfig }): {
    httpd: ServiceConfig;
    nginx: ServiceConfig;
  };
  /** The selector a Service is given, when the mistake is in it. */
  selector?(service: "httpd" | "nginx", selector: Record<string, string>): Record<string, string>;
  /** The client pod's DNS settings, when the mistake is in them. */
  clientDns?(lab: ExerciseLab): PodDns;
}
