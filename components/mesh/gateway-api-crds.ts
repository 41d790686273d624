// The Gateway API's CRDs, which the mesh installs only while the stack's scenario is in its Gateway
// API form (catalog/versions.ts pins the release). Their Pulumi name is written here once: a scenario
// switch may create or delete them with that form (tools/lib/plan.ts).
import { logicalName } from "../logical-name";

export const gatewayApiCrdsResource = logicalName("ConfigFile", "gateway-api-crds");
