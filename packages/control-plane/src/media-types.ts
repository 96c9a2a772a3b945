// What a policy body may be sent as: one JSON or YAML document.
export const JSON_TYPE = 'application/json';
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
export const POLICY_MEDIA_TYPES = [JSON_TYPE, ...YAML_TYPES];
