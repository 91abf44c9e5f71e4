{{/* Names, labels and the RBAC rules shared by the templates. */}}

{{- define "poolkeeper.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "poolkeeper.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "poolkeeper.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "poolkeeper.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "poolkeeper.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The operator's pods. component=operator keeps them apart from the pool pods (component=pooler). */}}
{{- define "poolkeeper.selectorLabels" -}}
app.kubernetes.io/name: {{ include "poolkeeper.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "poolkeeper.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "poolkeeper.selectorLabels" . }}
app.kubernetes.io/version: {{ default .Chart.AppVersion .Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Whether an optional Prometheus Operator object is rendered: "auto" when the cluster serves
monitoring.coreos.com/v1, true always, false never. Call with (list . .Values.x.enabled "Kind").
*/}}
{{- define "poolkeeper.monitoringOn" -}}
{{- $root := index . 0 }}
{{- $enabled := toString (index . 1) }}
{{- $kind := index . 2 }}
{{- if or (eq $enabled "true") (and (eq $enabled "auto") ($root.Capabilities.APIVersions.Has (printf "monitoring.coreos.com/v1/%s" $kind))) }}true{{ end }}
{{- end }}

{{/*
What the operator does in the namespaces of its DatabasePools. helm-tests' RbacTest holds the
same list, each entry with the operator code it comes from: change both together.
*/}}
{{- define "poolkeeper.poolNamespaceRules" -}}
# DatabasePools: watched; finalizer added and removed (the reconciler is a Cleaner).
- apiGroups: ["poolkeeper.io"]
  resources: ["databasepools"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["poolkeeper.io"]
  resources: ["databasepools/status"]
  verbs: ["get", "patch", "update"]
# Owner references that block the pool's deletion need this where OwnerReferencesPermissionEnforcement is on.
- apiGroups: ["poolkeeper.io"]
  resources: ["databasepools/finalizers"]
  verbs: ["update"]
# Owned objects (dependent resources): watched, created, updated, deleted when a feature is turned off.
- apiGroups: [""]
  resources: ["configmaps", "services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Deployments: the pool's own, and a Sidecar-topology target it patches the sidecar into.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Autoscalers: the pool's own, and a target's, whose maxReplicas sizing reads.
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["monitoring.coreos.com"]
  resources: ["podmonitors", "prometheusrules"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# The Secrets a pool names, read by name to check their keys and to log in to probe the servers.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
# Events on DatabasePools: failovers, resizes, blocked specs.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}

{{/* Whether the Prometheus Operator is installed: the operator reads these two CRDs by name. */}}
{{- define "poolkeeper.crdReadRule" -}}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  resourceNames: ["podmonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"]
  verbs: ["get"]
{{- end }}
