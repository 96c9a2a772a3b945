// Who this data plane is: service, namespace and pod from Istio's node metadata.
// Envoy >= 1.29 serves `xds.node.metadata.*`; Envoy <= 1.32 also `node.metadata.*` (removed in 1.33),
// so the xds path is read first and the old one is the fallback.

import { fetchedSize, fetchedString, fetchProperty } from './abi/host';

export class Identity {
  service: string = '';
  namespace: string = '';
  pod: string = '';
  hasService: bool = false;
  hasNamespace: bool = false;
  hasPod: bool = false;
}

function metadataPath(prefix: string, key: string): ArrayBuffer {
  return String.UTF8.encode(prefix + key);
}

function readMetadata(key: string): string | null {
  if (fetchProperty(metadataPath('xds\0node\0metadata\0', key)) && fetchedSize > 0) return fetchedString();
  if (fetchProperty(metadataPath('node\0metadata\0', key)) && fetchedSize > 0) return fetchedString();
  return null;
}

export function readIdentity(): Identity {
  const id = new Identity();
  const service = readMetadata('WORKLOAD_NAME');
  if (service !== null) {
    id.service = service;
    id.hasService = true;
  }
  const namespace = readMetadata('NAMESPACE');
  if (namespace !== null) {
    id.namespace = namespace;
    id.hasNamespace = true;
  }
  const pod = readMetadata('NAME');
  if (pod !== null) {
    id.pod = pod;
    id.hasPod = true;
  }
  return id;
}
