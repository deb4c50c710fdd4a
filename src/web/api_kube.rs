//! The control plane's half of the `RaftLab` API: the etcdctl and kubectl
//! consoles, machines and zones, and the quorum table. Every action is
//! journaled, so a link or a recorded run reproduces it exactly.

use wasm_bindgen::prelude::*;

use crate::sim::UserAction;
use crate::view::{kube, quorum};

use super::api::{err, sim, to_js, Js, RaftLab};
use super::args::arg;
use super::render_kube::{draw_kube, KubeLabels, KUBE_LABEL_COUNT};

/// The quorum table, for the .d.ts (`quorum()`).
#[wasm_bindgen(typescript_custom_section)]
const QUORUM: &str = "export type QuorumRow = {members: number, quorum: number, tolerated: number, \
buysNothing: boolean, current: boolean};\nexport type Quorum = {members: number, quorum: number, \
tolerated: number, up: number, down: number, largestGroup: number[], writesCommit: boolean, \
failuresLeft: number, table: QuorumRow[]};\n\
export type KubeRect = {x: number, y: number, w: number, h: number};\n\
export type KubeProcess = {kind: 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'etcd', \
state: 'down' | 'running' | 'leading' | 'standby' | 'exited' | 'leader' | 'follower' | 'candidate', rect: KubeRect, \
member?: number, term?: number, inRotation?: boolean};\n\
export type KubeMachine = {name: string, zone: string, up: boolean, controlPlane: boolean, rect: KubeRect, \
processes: KubeProcess[]};\n\
export type KubeLease = {name: string, rect: KubeRect, holder?: string, identity?: string, renewLeftMs?: number, \
renewDeadlineMs: number, takeoverLeftMs?: number, takeoverBy?: string, durationMs: number};\n\
export type KubeView = {width: number, height: number, topology: string, kubectl: KubeRect, \
loadBalancer: KubeRect, zones: {name: string, rect: KubeRect, down: boolean, isolated: boolean, \
machines: number[]}[], machines: KubeMachine[], leases: KubeLease[], apiserverAvailable: boolean, etcdLeader?: string};";

#[wasm_bindgen]
impl RaftLab {
    /// Runs one etcdctl command line (with or without the word `etcdctl`)
    /// and returns the lines etcdctl prints. `put`, `get` and `del` go to
    /// the cluster through its Raft log and wait for the answer, at most
    /// etcdctl's 5 s command timeout: the simulation's clock moves on
    /// meanwhile. `member list` and `endpoint status` (`-w table` for
    /// tables) answer at once. Throws `Error: ...` for a line etcdctl would
    /// refuse.
    pub fn etcdctl(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] line: JsValue) -> Js<Vec<String>> {
        let line = arg!("etcdctl", line).string()?;
        Ok(self.session.etcdctl(&line).map_err(err)?)
    }

    /// `kubectl get leases -n kube-system` (with or without the word
    /// `kubectl`), in a `kubernetes` scenario: the lines kubectl prints.
    pub fn kubectl(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] line: JsValue) -> Js<Vec<String>> {
        let line = arg!("kubectl", line).string()?;
        let mut words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"kubectl") {
            words.remove(0);
        }
        let namespace = ["-n kube-system", "--namespace kube-system", "--namespace=kube-system", "-n=kube-system"];
        let ok = matches!(words.first(), Some(&"get"))
            && matches!(words.get(1), Some(&("leases" | "lease")))
            && namespace.contains(&words[2..].join(" ").as_str());
        if !ok {
            return Err(err("kubectl here answers 'get leases -n kube-system'").into());
        }
        Ok(self.session.world().kubectl_get_leases().map_err(err)?)
    }

    /// Crashes machine `name` (`cp2`, `etcd1`) with every process on it.
    #[wasm_bindgen(js_name = crashMachine)]
    pub fn crash_machine(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue) -> Js<()> {
        let name = arg!("crashMachine", name).string()?;
        let m = self.session.world().machine_named(&name).map_err(err)?;
        Ok(sim(self.session.act(UserAction::CrashMachine(m)))?)
    }

    /// Restarts machine `name`, which must be down.
    #[wasm_bindgen(js_name = restartMachine)]
    pub fn restart_machine(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue) -> Js<()> {
        let name = arg!("restartMachine", name).string()?;
        let m = self.session.world().machine_named(&name).map_err(err)?;
        Ok(sim(self.session.act(UserAction::RestartMachine(m)))?)
    }

    /// Fails every running machine of `zone`.
    #[wasm_bindgen(js_name = failZone)]
    pub fn fail_zone(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] zone: JsValue) -> Js<()> {
        let zone = arg!("failZone", zone).string()?;
        Ok(sim(self.session.act(UserAction::FailZone(zone)))?)
    }

    /// Restarts every failed machine of `zone`.
    #[wasm_bindgen(js_name = restoreZone)]
    pub fn restore_zone(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] zone: JsValue) -> Js<()> {
        let zone = arg!("restoreZone", zone).string()?;
        Ok(sim(self.session.act(UserAction::RestoreZone(zone)))?)
    }

    /// Cuts `zone` off from the others (a partition; `heal()` ends it).
    #[wasm_bindgen(js_name = isolateZone)]
    pub fn isolate_zone(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] zone: JsValue) -> Js<()> {
        let zone = arg!("isolateZone", zone).string()?;
        Ok(sim(self.session.act(UserAction::IsolateZone(zone)))?)
    }

    /// The quorum table: the cluster's quorum, the failures it tolerates,
    /// the members up, whether writes can commit, and the course notes'
    /// table for 1 to 7 members.
    #[wasm_bindgen(unchecked_return_type = "Quorum")]
    pub fn quorum(&self) -> Js<JsValue> {
        to_js(&quorum::table(self.session.world()))
    }

    /// The Kubernetes view laid out on a `width` x `height` canvas: zones,
    /// machines, processes and their states, the load balancer, kubectl,
    /// and the Leases with their holder and countdowns; `null` for a plain
    /// cluster.
    #[wasm_bindgen(js_name = kubeView, unchecked_return_type = "KubeView | null")]
    pub fn kube_view(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] width: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] height: JsValue,
    ) -> Js<JsValue> {
        let (width, height) = (arg!("kubeView", width).number()?, arg!("kubeView", height).number()?);
        if !(width.is_finite() && height.is_finite() && width >= 0.0 && height >= 0.0) {
            return Err(err("kubeView: 'width' and 'height' must be numbers of at least 0").into());
        }
        match kube::kube_view(self.session.world(), width, height) {
            Some(view) => to_js(&view),
            None => Ok(JsValue::NULL),
        }
    }

    /// Draws the Kubernetes view onto `ctx` (the arguments of `render`);
    /// throws for a plain cluster.
    #[wasm_bindgen(js_name = renderKube)]
    pub fn render_kube(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CanvasRenderingContext2D")] ctx: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] width: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] height: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] dpr: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RenderStyle | null | undefined")] style: JsValue,
    ) -> Js<()> {
        let (ctx, width, height, dpr) = Self::canvas("renderKube", &ctx, &width, &height, &dpr)?;
        let style = self.style(arg!("renderKube", style))?;
        let view = kube::kube_view(self.session.world(), width, height)
            .ok_or_else(|| err("renderKube: this is a plain cluster; a 'kubernetes' scenario has a control plane"))?;
        draw_kube(ctx, &view, dpr, &style, &self.kube_labels);
        Ok(())
    }

    /// The words on the Kubernetes canvas in the page's language, one a
    /// line: leading, standby, exited, down, renew deadline, standby may
    /// take over, no holder, cut off, load balancer.
    #[wasm_bindgen(js_name = setKubeLabels)]
    pub fn set_kube_labels(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] labels: JsValue) -> Js<()> {
        let labels = arg!("setKubeLabels", labels).string()?;
        self.kube_labels = KubeLabels::read(&labels)
            .ok_or_else(|| err(format!("setKubeLabels takes {KUBE_LABEL_COUNT} lines of 1 to 32 characters")))?;
        Ok(())
    }
}
