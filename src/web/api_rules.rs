//! The lesions in the `RaftLab` API: switching a safety rule of Raft off
//! (or on again) on every node, and listing the rules for a menu.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::raft::Rule;
use crate::sim::UserAction;

use super::api::{to_js, Js, RaftLab};
use super::args::{arg, range_error, type_error};

#[derive(Serialize)]
struct RuleView {
    /// As the scenario language writes it: `commit-current-term`, ...
    name: &'static str,
    on: bool,
    /// The rule in one sentence, with where the paper states it.
    description: &'static str,
}

fn rule_names() -> String {
    Rule::ALL.iter().map(|r| r.name()).collect::<Vec<_>>().join(", ")
}

#[wasm_bindgen]
impl RaftLab {
    /// Switches a safety rule on (`enabled` true) or off on every node, as
    /// the scenario command `rule NAME on|off` does: a user action, recorded
    /// in links and "Download run". Names: `commit-current-term`,
    /// `vote-up-to-date`, `vote-once`, `persist-vote`, `persist-term`,
    /// `persist-log`, `truncate-on-conflict`, `follower-commit-bound`.
    /// Throws a `TypeError` for a name that is not a string or an
    /// `enabled` that is not a boolean, a `RangeError` for an unknown name,
    /// and then changes nothing.
    #[wasm_bindgen(js_name = setRule)]
    pub fn set_rule(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "boolean")] enabled: JsValue,
    ) -> Js<()> {
        let text = arg!("setRule", name).string()?;
        let rule = Rule::from_name(&text).ok_or_else(|| {
            let shown: String = text.chars().take(40).collect();
            range_error(&format!("setRule: unknown rule \"{shown}\": expected one of: {}", rule_names()))
        })?;
        let on = enabled.as_bool().ok_or_else(|| type_error("setRule", "enabled", "true or false", &enabled))?;
        self.act(UserAction::SetRule { rule, on })
    }

    /// Every rule, in menu order: `[{name, on, description}]`, `on` false
    /// for a rule switched off.
    #[wasm_bindgen(unchecked_return_type = "{name: string, on: boolean, description: string}[]")]
    pub fn rules(&self) -> Js<JsValue> {
        let rules = self.session.world().rules();
        let views: Vec<RuleView> = Rule::ALL
            .iter()
            .map(|&rule| RuleView { name: rule.name(), on: rules.is_on(rule), description: rule.describe() })
            .collect();
        to_js(&views)
    }
}
