import { createHash } from "node:crypto";

/**
 * The `image_ref` Fly reports for an image: Docker Hub is the default registry, `library/` the
 * default namespace and `latest` the default tag. The digest is a stable stand-in derived from the
 * reference unless the image pins one.
 */
export function imageRef(image: string): Record<string, unknown> {
  const [name, pinned] = image.split("@", 2);
  const slash = name.indexOf("/");
  const first = slash === -1 ? "" : name.slice(0, slash);
  const hasRegistry = /[.:]/.test(first) || first === "localhost";
  const registry = hasRegistry ? first : "registry-1.docker.io";
  let path = hasRegistry ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(":");
  const tag = colon === -1 ? "latest" : path.slice(colon + 1);
  if (colon !== -1) path = path.slice(0, colon);
  const repository = !hasRegistry && !path.includes("/") ? `library/${path}` : path;
  const digest = pinned ?? `sha256:${createHash("sha256").update(image).digest("hex")}`;
  return { registry, repository, tag, digest, labels: {} };
}
