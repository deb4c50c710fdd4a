//! The Kubernetes view's half of the `RaftLab` API (cargo feature `kube`,
//! built into the second browser package, `www/pkg-kube/`, which only
//! kubernetes.html loads): the view's geometry and state, its drawing, and
//! the words on its canvas. index.html's package leaves them out.

use wasm_bindgen::prelude::*;

use crate::view::kube;

use super::api::{err, to_js, Js, RaftLab};
use super::args::arg;
use super::render_kube::{draw_kube, KubeLabels, KUBE_LABEL_COUNT};

/// The Kubernetes view, for the .d.ts (`kubeView()`).
#[wasm_bindgen(typescript_custom_section)]
const KUBE_VIEW: &str = "export type KubeRect = {x: number, y: number, w: number, h: number};\n\
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
