// The TLS server of the ingress-sni-passthrough task (tasks/traffic-management/ingress/
// ingress-sni-passthrough): nginx terminates TLS itself with the certificate of the Secret
// `nginx-server-certs`, configured by the task's nginx.conf, so the gateway passes TLS through by
// SNI. Two deviations: the pods are labelled `app: my-nginx` (the task's `run: my-nginx`), as every
// app of the catalog is, and the Service port is named `https` (the task's is unnamed).
import { nginxImage } from "../versions";
import type { AppSpec } from "./app-spec";

/** The Secret nginx serves from, which the scenario makes (tls.crt and tls.key, as `kubectl create secret tls`). */
export const nginxServerCerts = { secret: "nginx-server-certs", dir: "/etc/nginx-server-certs" } as const;

/** The task's nginx.conf, verbatim. */
const nginxConf = `events {
}

http {
  log_format main '$remote_addr - $remote_user [$time_local]  $status '
  '"$request" $body_bytes_sent "$http_referer" '
  '"$http_user_agent" "$http_x_forwarded_for"';
  access_log /var/log/nginx/access.log main;
  error_log  /var/log/nginx/error.log;

  server {
    listen 443 ssl;

    root /usr/share/nginx/html;
    index index.html;

    server_name nginx.example.com;
    ssl_certificate ${nginxServerCerts.dir}/tls.crt;
    ssl_certificate_key ${nginxServerCerts.dir}/tls.key;
  }
}
`;

export const myNginx: AppSpec = {
  app: "my-nginx",
  service: { port: 443, portName: "https", labels: { app: "my-nginx" } },
  configMaps: [{ name: "nginx-configmap", data: { "nginx.conf": nginxConf } }],
  versions: [
    {
      deployment: "my-nginx",
      calls: [],
      container: {
        name: "my-nginx",
        image: nginxImage,
        imagePullPolicy: "IfNotPresent",
        ports: [{ containerPort: 443 }],
        volumes: [
          { name: "nginx-config", mountPath: "/etc/nginx", source: { configMap: { name: "nginx-configmap" } } },
          { name: "nginx-server-certs", mountPath: nginxServerCerts.dir, source: { secret: { secretName: nginxServerCerts.secret, optional: false } } },
        ],
      },
    },
  ],
};
