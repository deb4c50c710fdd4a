//! The control plane's half of the `RaftLab` API: the etcdctl and kubectl
//! consoles, machines and zones, and the quorum table. Every action is
//! journaled, so a link or a recorded run reproduces it exactly.

use wasm_bindgen::prelude::*;

use crate::sim::UserAction;
use crate::view::quorum;

use super::api::{err, msg_error, sim, to_js, Js, RaftLab};
use super::args::arg;

/// The quorum table, for the .d.ts (`quorum()`).
#[wasm_bindgen(typescript_custom_section)]
const QUORUM: &str = "export type QuorumRow = {members: number, quorum: number, tolerated: number, \
buysNothing: boolean, current: boolean};\nexport type Quorum = {members: number, quorum: number, \
tolerated: number, up: number, down: number, largestGroup: number[], writesCommit: boolean, \
failuresLeft: number, table: QuorumRow[]};";

#[wasm_bindgen]
impl RaftLab {
    /// Runs one etcdctl command line (with or without the word `etcdctl`)
    /// and returns the lines etcdctl prints. `put`, `get` and `del` go to
    /// the cluster through its Raft log and wait for the answer, at most
    /// etcdctl's 5 s command timeout: the simulation's clock moves on
    /// meanwhile. `member list` and `endpoint status` (`-w table` for
    /// tables) answer at once. Throws `Error: ...` for a line etcdctl would
    /// refuse: an `Error` whose `message` is the English and which carries
    /// the sentence's `key` and `args` (`etcdctl.error`), for the page's
    /// language.
    pub fn etcdctl(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] line: JsValue) -> Js<Vec<String>> {
        let line = arg!("etcdctl", line).string()?;
        self.session.etcdctl(&line).map_err(|e| msg_error(&e))
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
}
