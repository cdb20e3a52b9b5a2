import * as pulumi from "@pulumi/pulumi";

import {
  EmergencyAccess,
  ManagedSecret,
  NotificationChannels,
  RotationDueAlert,
  RotationNotifications,
  UnexpectedAccessAlert,
} from "../components";
import { Model, shortHash } from "../model";

/**
 * The signals that reach a person (docs/operations.md): channels from `notifications`, the
 * rotation-due alert on the rotation topic, the unexpected-access alert over the audit logs, and
 * each time-boxed emergency grant on its one secret. Wiring only: the model decides every name,
 * filter and condition.
 */
export function declareSignals(
  model: Model,
  rotation: RotationNotifications,
  secretsById: Map<string, ManagedSecret>,
  opts: { dependsOn: pulumi.Resource[] },
): { grants: Record<string, EmergencyAccess> } {
  const cfg = model.config;
  const project = cfg.gcpProject;
  const labels = { "managed-by": "pegasus-secrets", stack: cfg.stack };
  const channels = new NotificationChannels(
    "alert-channels",
    { project, emails: model.signals.emails, channels: model.signals.channels, labels },
    opts,
  );
  new RotationDueAlert(
    "secret-rotation-due",
    {
      project,
      topic: rotation.topicId,
      subscription: model.signals.rotationDue.subscription,
      filter: model.signals.rotationDue.filter,
      notificationChannels: channels.names,
      stack: cfg.stack,
    },
    opts,
  );
  new UnexpectedAccessAlert(
    "unexpected-secret-access",
    {
      project,
      metrics: model.signals.unexpectedAccess,
      notificationChannels: channels.names,
      stack: cfg.stack,
    },
    opts,
  );
  const grants: Record<string, EmergencyAccess> = {};
  for (const g of model.emergencyGrants) {
    const secret = secretsById.get(g.secretId)!;
    const name = `${model.secrets.find((s) => s.secretId === g.secretId)!.name}-emergency-${shortHash(`${g.incident}:${g.member}`)}`;
    grants[name] = new EmergencyAccess(name, { project, secretId: secret.secretId, grant: g });
  }
  return { grants };
}
