import { RotationNotifications } from "../../../components/rotation";
import { useMocks } from "../../mocks";
import { unwrap } from "../../helpers";

const { ofType } = useMocks();

describe("RotationNotifications", () => {
  it("lets the Secret Manager agent publish", async () => {
    const r = new RotationNotifications("rot", {
      project: "p",
      topicName: "staging-secret-rotation",
    });
    await unwrap(r.topicId);
    await unwrap(r.publisherGrant.urn);
    const grant = ofType("gcp:pubsub/topicIAMMember:TopicIAMMember")[0];
    expect(grant.inputs.role).toBe("roles/pubsub.publisher");
    expect(grant.inputs.member).toBe(
      "serviceAccount:service-1@gcp-sa-secretmanager.iam.gserviceaccount.com",
    );
    expect(ofType("gcp:projects/serviceIdentity:ServiceIdentity")[0].inputs.service).toBe(
      "secretmanager.googleapis.com",
    );
  });
});
