// The node image of a kind or k3d cluster: an image reference as every other (catalog/apps/values.ts),
// of the tool that runs it, whose Kubernetes the Istio release supports.
import { parseImageReference } from "../../catalog/apps/values";
import { istioKubernetesSupport, localClusterNodeImages } from "../../catalog/versions";
import type { ConfigIssue } from "./errors";

const key = "istio-lab:cluster.nodeImage";

/**
 * The node images each tool runs, by repository path (any registry in front: a mirror keeps the
 * path). kind boots a kindest/node image (kind pkg/apis/config/defaults/image.go); k3d a
 * rancher/k3s one (k3d pkg/types/images.go DefaultK3sImageRepo). Each image is the other tool's
 * wrong: a kindest/node container has no k3s binary, and a k3s one no kubeadm for kind.
 */
const nodeImageRepositories = { kind: "kindest/node", k3d: "rancher/k3s" } as const;

/**
 * The Kubernetes version a node image's tag names: kindest/node tags are `v1.36.1`, rancher/k3s
 * tags `v1.35.5-k3s1`; undefined for a tag that names none.
 */
export function nodeImageKubernetesVersion(tag: string | undefined): string | undefined {
  const match = tag === undefined ? null : /^v(1\.\d+\.\d+)(?:[-+][0-9A-Za-z.-]+)?$/.exec(tag);
  return match?.[1];
}

/** The node image of a kind or k3d cluster against its tool and the Istio release (`mesh.istioVersion`). */
export function nodeImageRules(source: keyof typeof nodeImageRepositories, given: string | undefined, istioVersion: string): ConfigIssue[] {
  const image = given ?? localClusterNodeImages[source];
  const reference = parseImageReference(image);
  // A malformed reference is the schema's to report.
  if (!reference) return [];
  const which = given === undefined ? `unset, so the pinned ${image}` : image;
  const own = nodeImageRepositories[source];
  const [other, otherRepository] = Object.entries(nodeImageRepositories).find(([tool]) => tool !== source)!;
  const isRepository = (repository: string) => reference.path === repository || reference.path.endsWith(`/${repository}`);
  if (isRepository(otherRepository)) {
    return [{ key, message: `${which} is a ${other} node image (${otherRepository}); source ${source} runs ${own} images, such as ${localClusterNodeImages[source]}` }];
  }
  const kubernetes = nodeImageKubernetesVersion(reference.tag);
  if (kubernetes === undefined) {
    // kindest/node and rancher/k3s publish no `latest`: a tag that names no version names no image.
    return isRepository(own)
      ? [{ key, message: `${which} names no Kubernetes version in its tag, and ${own} publishes images by version only; write one such as ${localClusterNodeImages[source].split("@")[0]}` }]
      : [];
  }
  // istio.io's support table (catalog/versions.ts); its lower bound for 1.31 is istioctl's own
  // (istio/istio release-1.31 istioctl/pkg/install/k8sversion/version.go MinK8SVersion = 32).
  const istioMinor = istioVersion.split(".").slice(0, 2).join(".");
  const support = istioKubernetesSupport[istioMinor];
  // An Istio release istio-lab does not know is refused on mesh.istioVersion (rules.ts istioRules).
  if (!support) return [];
  const minor = Number(kubernetes.split(".")[1]);
  if (minor >= support.min && minor <= support.max) return [];
  return [
    {
      key,
      message: `${which} runs Kubernetes ${kubernetes}, outside what Istio ${istioVersion} (istio-lab:mesh.istioVersion) supports: 1.${support.min} to 1.${support.max}; choose a ${own} image of one of those, such as ${own}:v1.${support.max}.x`,
    },
  ];
}
