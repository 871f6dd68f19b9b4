"""deploy/kubernetes/base: valid for the Kubernetes API (offline schemas) and shaped for production.

kubernetes-validate ships the API's JSON schemas, so the check needs no cluster and no network.
The kustomization is expanded here as kustomize would for what it uses (its resources and its
one generated ConfigMap), so that every object `kubectl apply -k` would send is checked.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from service.config import VARIABLES, Settings

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "deploy" / "kubernetes" / "base"
# The oldest Kubernetes release these manifests are for (the preStop sleep action needs 1.30).
KUBERNETES = "1.31.0"


def kustomization() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    return loaded


def objects() -> list[dict[str, Any]]:
    """Every object the kustomization sends, its generated ConfigMap included."""
    found: list[dict[str, Any]] = []
    for name in kustomization()["resources"]:
        found += [doc for doc in yaml.safe_load_all((BASE / name).read_text()) if doc]
    for generator in kustomization()["configMapGenerator"]:
        data = {Path(f).name: (BASE / f).read_text() for f in generator["files"]}
        found.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": generator["name"]},
                "data": data,
            }
        )
    return found


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects() if o["kind"] == kind}


@pytest.mark.parametrize(
    "manifest", objects(), ids=lambda o: f"{o['kind']}/{o['metadata']['name']}"
)
def test_each_object_is_valid_for_the_kubernetes_api(manifest: dict[str, Any]) -> None:
    kubernetes_validate.validate(manifest, KUBERNETES, strict=True)


def test_the_check_catches_a_misspelt_field_and_a_wrong_type() -> None:
    deployment = copy.deepcopy(by_kind("Deployment")["backcare-api"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES, strict=True)
    deployment = copy.deepcopy(by_kind("Deployment")["backcare-api"])
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES, strict=True)


def test_the_kustomization_uses_every_file_in_its_folder() -> None:
    used = {*kustomization()["resources"], "kustomization.yaml"}
    used |= {f for g in kustomization()["configMapGenerator"] for f in g["files"]}
    assert {p.name for p in BASE.iterdir()} == used


def pod_of(workload: dict[str, Any]) -> dict[str, Any]:
    pod: dict[str, Any] = workload["spec"]["template"]["spec"]
    return pod


def test_every_container_is_bounded_non_root_and_writes_only_to_its_volumes() -> None:
    workloads = [*by_kind("Deployment").values(), *by_kind("Job").values()]
    assert len(workloads) == 3
    for workload in workloads:
        pod = pod_of(workload)
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] != 0
        empty = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            where = f"{workload['metadata']['name']}/{container['name']}"
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            assert container["resources"]["requests"]["cpu"], where
            assert container["resources"]["limits"]["memory"], where
            # Python and gunicorn write temporary files: /tmp is an emptyDir.
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts.get("/tmp") in empty, where


def test_the_api_probes_serves_its_settings_and_waits_for_the_schema() -> None:
    api = by_kind("Deployment")["backcare-api"]
    pod = pod_of(api)
    (container,) = pod["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    port = container["readinessProbe"]["httpGet"]["port"]
    assert port in {p["name"] for p in container["ports"]}
    settings = by_kind("ConfigMap")["backcare-settings"]["data"]
    assert set(settings) <= VARIABLES, set(settings) - VARIABLES
    assert settings["PROXY_HOPS"] == "1"
    # Files the workers share go to the writable emptyDir, not the read-only image.
    assert settings["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")
    assert container["envFrom"] == [{"configMapRef": {"name": "backcare-settings"}}]
    secrets = {
        e["name"]: e["valueFrom"]["secretKeyRef"]["name"]
        for e in container["env"]
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    assert secrets == {
        "DATABASE_URL": "backcare",
        "REDIS_URL": "backcare",
        # The object store's, for MEDIA_STORAGE (read by boto3).
        "AWS_ENDPOINT_URL": "backcare",
        "AWS_ACCESS_KEY_ID": "backcare",
        "AWS_SECRET_ACCESS_KEY": "backcare",
    }
    assert api["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    (wait,) = pod["initContainers"]
    assert "alembic heads" in wait["command"][-1] and "alembic current" in wait["command"][-1]
    job = pod_of(by_kind("Job")["backcare-migrate"])
    assert job["restartPolicy"] == "Never"
    assert "alembic upgrade head" in " ".join(job["containers"][0]["command"])
    assert job["containers"][0]["image"] == container["image"] == wait["image"]


def test_autoscaler_budgets_and_services_select_what_they_name() -> None:
    deployments = by_kind("Deployment")
    labels = {name: d["spec"]["template"]["metadata"]["labels"] for name, d in deployments.items()}
    for name, deployment in deployments.items():
        assert deployment["spec"]["selector"]["matchLabels"].items() <= labels[name].items()
    (hpa,) = by_kind("HorizontalPodAutoscaler").values()
    target = hpa["spec"]["scaleTargetRef"]
    assert target["kind"] == "Deployment" and target["name"] in deployments
    assert hpa["spec"]["minReplicas"] >= 2
    for pdb in by_kind("PodDisruptionBudget").values():
        selected = [
            n
            for n, ls in labels.items()
            if pdb["spec"]["selector"]["matchLabels"].items() <= ls.items()
        ]
        assert len(selected) == 1, pdb["metadata"]["name"]
        # A budget that keeps every replica would block every node drain.
        assert pdb["spec"]["minAvailable"] < deployments[selected[0]]["spec"]["replicas"]
    services = by_kind("Service")
    for service in services.values():
        assert any(service["spec"]["selector"].items() <= ls.items() for ls in labels.values())
    # The shipped proxy config reaches the API by the name compose uses too.
    assert "api" in services and services["api"]["spec"]["ports"][0]["port"] == 8000


def test_the_proxy_runs_the_shipped_nginx_config() -> None:
    shipped = (ROOT / "deploy" / "nginx" / "backcare.conf").read_text()
    assert (BASE / "nginx.conf").read_text() == shipped, "copy deploy/nginx/backcare.conf here"
    proxy = pod_of(by_kind("Deployment")["backcare-proxy"])
    (config,) = [v for v in proxy["volumes"] if "configMap" in v]
    assert config["configMap"]["name"] == "backcare-proxy"
    (nginx,) = proxy["containers"]
    mounts = {m["name"]: m["mountPath"] for m in nginx["volumeMounts"]}
    assert mounts[config["name"]] == "/etc/nginx/conf.d"
    assert nginx["ports"][0]["containerPort"] == 8080 and "listen 8080;" in shipped


def test_pictures_go_to_object_storage_with_keys_from_the_secret() -> None:
    # Pods share no disk and cannot write to their image: local pictures would be lost or
    # refused, and each pod would serve only its own.
    settings = by_kind("ConfigMap")["backcare-settings"]["data"]
    assert Settings.from_env(settings).media_storage is not None
    assert settings["MEDIA_STORAGE"].startswith("s3://")
    workloads = [by_kind("Deployment")["backcare-api"], by_kind("Job")["backcare-migrate"]]
    for workload in workloads:
        (container,) = pod_of(workload)["containers"]
        secret = {
            item["name"]: item["valueFrom"]["secretKeyRef"]["name"]
            for item in container["env"]
            if "secretKeyRef" in item.get("valueFrom", {})
        }
        for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            assert secret.get(name) == "backcare", (workload["metadata"]["name"], name)
