//! Sans-IO operations: build the HTTP request, decode the HTTP response.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::decode_error;
use super::{wire, ApiError, Error, ErrorBody, Legacy, Route, SessionId, Surface, Target, SESSION_HEADER};

/// Which of vCenter's two REST surfaces calls are sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ApiMode {
    /// Found at login: the client tries `POST /api/session`, falls back to the `/rest` session
    /// service on a 404, and from then on calls the surface that answered. Until then, and for
    /// sans-IO use, it is [`ApiMode::Current`].
    #[default]
    Auto,
    /// The `/api` surface of vSphere 7.0 U2 and later.
    Current,
    /// The deprecated `/rest` surface, the only one that vCenter releases before 7.0 U2 serve.
    ///
    /// Operations paired with a `/rest` twin are sent there, their inputs moved as the twin
    /// expects and the `{"value": ...}` and `{"type": ..., "value": ...}` envelopes unwrapped
    /// into the same result and error types. An operation whose twin cannot be bridged fails
    /// with [`Error::Unavailable`]; one without a twin is sent unchanged.
    Legacy,
}

/// Where an input goes on the operation's own route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Path,
    /// Arrays repeat the parameter (`explode`), or are joined with commas.
    Query {
        explode: bool,
    },
    Header,
}

/// One input of a call: a path, query or header parameter.
#[derive(Debug, Clone, PartialEq)]
struct Input {
    name: &'static str,
    place: Place,
    value: Value,
}

/// The `/rest` side of an operation.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Twin {
    /// Sent there in [`ApiMode::Legacy`].
    Route(Legacy),
    /// Paired, but not translatable: fails in [`ApiMode::Legacy`].
    Unavailable(&'static str),
}

/// One call of a vSphere operation, ready to be turned into an HTTP request.
///
/// `T` is the decoded result, `E` the decoded error. Build one with the generated function of
/// the operation, send it with `Client::send` or with any HTTP client through
/// [`Operation::http_request`] and [`Operation::decode`].
#[must_use = "an operation does nothing until it is sent"]
pub struct Operation<T, E = Value> {
    name: &'static str,
    route: Route,
    twin: Option<Twin>,
    /// A `*_legacy` entry point: always its twin.
    pinned: bool,
    inputs: Vec<Input>,
    body: Option<Value>,
    /// The body is sent form-encoded (`application/x-www-form-urlencoded`), not as JSON.
    form: bool,
    /// Why an input could not be encoded (reported when the request is built).
    invalid: Option<String>,
    /// This call's request timeout, instead of the client's.
    timeout: Option<Duration>,
    /// Whether this call may be sent twice; `None` goes by the method of its own route.
    idempotent: Option<bool>,
    types: PhantomData<fn() -> (T, E)>,
}

impl<T, E> Operation<T, E> {
    /// Starts an operation; generated code calls this.
    #[doc(hidden)]
    pub fn new(name: &'static str, route: Route) -> Self {
        Self {
            name,
            route,
            twin: None,
            pinned: false,
            inputs: Vec::new(),
            body: None,
            form: false,
            invalid: None,
            timeout: None,
            idempotent: None,
            types: PhantomData,
        }
    }

    /// Gives this call its own request timeout, instead of the client's
    /// (`ClientBuilder::timeout`): for a call known to take long, such as an OVF deployment.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Says whether this call may be sent again after a failure that may have reached the server
    /// (see `RetryPolicy`). By default only calls whose own route is `GET`, `HEAD` or `OPTIONS`
    /// are; mark a call `true` only when sending it twice does no harm.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// This call's own request timeout, if it has one.
    #[cfg(feature = "client-no-provider")]
    pub(super) fn own_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Whether this call may be retried (see [`Operation::idempotent`]).
    #[cfg(feature = "client-no-provider")]
    pub(super) fn is_idempotent(&self) -> bool {
        use super::Method::{Get, Head, Options};
        self.idempotent.unwrap_or(matches!(self.route.method(), Get | Head | Options))
    }

    fn input<V: Serialize + ?Sized>(mut self, name: &'static str, place: Place, value: &V) -> Self {
        match wire::to_json(value) {
            Ok(value) => self.inputs.push(Input { name, place, value }),
            Err(reason) => self.invalid = Some(format!("parameter `{name}`: {reason}")),
        }
        self
    }

    /// Sets a path parameter; generated code calls this.
    #[doc(hidden)]
    pub fn path<V: Serialize + ?Sized>(self, name: &'static str, value: &V) -> Self {
        self.input(name, Place::Path, value)
    }

    /// Adds a query parameter: `None` adds nothing, a list repeats the parameter; generated code
    /// calls this.
    #[doc(hidden)]
    pub fn query<V: Serialize + ?Sized>(self, name: &'static str, value: &V) -> Self {
        self.input(name, Place::Query { explode: true }, value)
    }

    /// Adds a query parameter whose list is sent comma-joined; generated code calls this.
    #[doc(hidden)]
    pub fn query_joined<V: Serialize + ?Sized>(self, name: &'static str, value: &V) -> Self {
        self.input(name, Place::Query { explode: false }, value)
    }

    /// Adds a header (`None` adds nothing); generated code calls this.
    #[doc(hidden)]
    pub fn header<V: Serialize + ?Sized>(self, name: &'static str, value: &V) -> Self {
        self.input(name, Place::Header, value)
    }

    /// Sets the JSON request body; generated code calls this.
    #[doc(hidden)]
    pub fn body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match wire::to_json(body) {
            Ok(value) => self.body = Some(value),
            Err(reason) => self.invalid = Some(format!("the request body: {reason}")),
        }
        self
    }

    /// Sets the request body, sent form-encoded (`application/x-www-form-urlencoded`): each field
    /// of the object is a pair, lists repeat the field; generated code calls this.
    #[doc(hidden)]
    pub fn form_body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.form = true;
        self.body(body)
    }

    /// Pairs the operation with its `/rest` twin, taken in [`ApiMode::Legacy`]; generated code
    /// calls this.
    #[doc(hidden)]
    pub fn legacy(mut self, twin: Legacy) -> Self {
        self.twin = Some(Twin::Route(twin));
        self
    }

    /// Records that the operation's `/rest` twin cannot be bridged; generated code calls this.
    #[doc(hidden)]
    pub fn no_legacy(mut self, reason: &'static str) -> Self {
        self.twin = Some(Twin::Unavailable(reason));
        self
    }

    /// This operation, renamed, always sent to its `/rest` twin (a deprecated `*_legacy` entry
    /// point); generated code calls this.
    #[doc(hidden)]
    pub fn into_legacy(mut self, name: &'static str) -> Self {
        self.name = name;
        self.pinned = true;
        self
    }

    /// The Rust path of the generated function, for example `vcenter::vm::get`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The route this call takes in `mode`; `None` when its `/rest` twin cannot be bridged.
    pub fn route(&self, mode: ApiMode) -> Option<&Route> {
        self.route_in(mode).ok()
    }

    /// The route this call takes in `mode`, or why it has none there.
    pub(super) fn route_in(&self, mode: ApiMode) -> Result<&Route, Error<E>> {
        Ok(self.twin_in(mode)?.map_or(&self.route, Legacy::route))
    }

    /// The `/rest` twin this operation is sent to in [`ApiMode::Legacy`], if it has one.
    pub fn legacy_route(&self) -> Option<&Legacy> {
        match &self.twin {
            Some(Twin::Route(twin)) => Some(twin),
            _ => None,
        }
    }

    /// The twin taken in `mode`: `None` for the operation's own route.
    fn twin_in(&self, mode: ApiMode) -> Result<Option<&Legacy>, Error<E>> {
        match (&self.twin, mode == ApiMode::Legacy || self.pinned) {
            (Some(Twin::Route(twin)), true) => Ok(Some(twin)),
            (Some(Twin::Unavailable(reason)), true) => Err(Error::Unavailable { operation: self.name, reason }),
            _ => Ok(None),
        }
    }

    /// Builds the HTTP request for this call, sent in `mode`.
    ///
    /// `base_url` is the vCenter address, such as `https://vcenter.example.com`. The session
    /// header is marked sensitive, so `http`'s `Debug` output does not show it.
    pub fn http_request(
        &self,
        base_url: &str,
        session: Option<&SessionId>,
        mode: ApiMode,
    ) -> Result<http::Request<Vec<u8>>, Error<E>> {
        if let Some(reason) = &self.invalid {
            return Err(self.request_error(reason));
        }
        let twin = self.twin_in(mode)?;
        let parts = match twin {
            Some(twin) => self.translate(twin),
            None => self.own_parts(),
        };
        let route = twin.map_or(&self.route, Legacy::route);
        for name in wire::template_names(route.path()) {
            match parts.path.iter().find(|(n, _)| *n == name) {
                None => return Err(self.request_error(&format!("the path parameter `{name}` has no value"))),
                Some((_, value)) if value.is_empty() => {
                    return Err(self.request_error(&format!("the path parameter `{name}` is empty")));
                }
                Some(_) => {}
            }
        }
        let path = wire::fill_template(route.path(), |name| {
            parts.path.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
        });
        let uri = wire::join_uri(base_url, &path, &parts.query);
        let mut builder = http::Request::builder()
            .method(route.method().to_http())
            .uri(uri)
            .header(http::header::ACCEPT, "application/json");
        if let Some(session) = session {
            let mut value = http::HeaderValue::from_str(session.expose())
                .map_err(|_| self.request_error("the session id is not a valid header value"))?;
            value.set_sensitive(true);
            builder = builder.header(SESSION_HEADER, value);
        }
        for (name, value) in &parts.headers {
            builder = builder.header(*name, value.as_str());
        }
        let body = match &parts.body {
            None => Vec::new(),
            Some(fields) if self.form => {
                builder = builder.header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                wire::form(fields)
                    .map_err(|reason| self.request_error(&format!("the request body: {reason}")))?
                    .into_bytes()
            }
            Some(json) => {
                builder = builder.header(http::header::CONTENT_TYPE, "application/json");
                serde_json::to_vec(json).map_err(|e| self.request_error(&e.to_string()))?
            }
        };
        builder.body(body).map_err(|e| self.request_error(&e.to_string()))
    }

    /// The inputs in their places on the operation's own route.
    fn own_parts(&self) -> Parts {
        let rest = self.route.surface() == Surface::Rest;
        let mut parts = Parts { rest, body: self.body.clone(), ..Parts::default() };
        for input in &self.inputs {
            parts.add(input.name, input.place, &input.value);
        }
        parts
    }

    /// The inputs in their places on the `/rest` twin.
    fn translate(&self, twin: &Legacy) -> Parts {
        let mut parts = Parts { rest: true, ..Parts::default() };
        let mut body = self.body.clone();
        let mut extra = Map::new();
        let mut send =
            |parts: &mut Parts, target: Option<Target>, name: &'static str, place: Place, value: &Value| match target {
                None => parts.add(name, place, value),
                Some(Target::Path(name)) => parts.add(name, Place::Path, value),
                Some(Target::Query(name)) => parts.add(name, place.in_query(), value),
                Some(Target::Body(key)) if !value.is_null() => {
                    extra.insert(key.to_owned(), value.clone());
                }
                Some(Target::Body(_)) => {}
            };
        for input in &self.inputs {
            send(&mut parts, twin.target(input.name), input.name, input.place, &input.value);
        }
        for (field, target) in twin.moved_fields() {
            if let Some(value) = body.as_mut().and_then(|b| wire::take_field(b, field)) {
                send(&mut parts, Some(*target), field, Place::Query { explode: true }, &value);
            }
        }
        let emptied =
            !twin.moved_fields().is_empty() && body.as_ref().and_then(Value::as_object).is_some_and(Map::is_empty);
        let mut body = match (body, twin.body_key()) {
            (Some(_), _) if emptied => None,
            (Some(body), Some(key)) => Some(Value::Object(Map::from_iter([(key.to_owned(), body)]))),
            (body, _) => body,
        };
        if !extra.is_empty() {
            match &mut body {
                Some(Value::Object(map)) => map.extend(extra),
                _ => body = Some(Value::Object(extra)),
            }
        }
        if let Some(value) = &mut body {
            for path in twin.map_paths() {
                wire::maps_to_pairs(value, path);
            }
        }
        parts.body = body;
        parts
    }

    fn request_error(&self, reason: &str) -> Error<E> {
        Error::Request { operation: self.name, reason: reason.to_owned() }
    }
}

impl Place {
    /// How an input is sent when it moves to the query: a query parameter keeps its style.
    fn in_query(self) -> Place {
        match self {
            Place::Query { explode } => Place::Query { explode },
            Place::Path | Place::Header => Place::Query { explode: true },
        }
    }
}

/// A request's inputs, rendered for one route.
#[derive(Debug, Default)]
struct Parts {
    /// The `/rest` surface flattens structured query values.
    rest: bool,
    path: Vec<(&'static str, String)>,
    query: Vec<(wire::QueryName, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<Value>,
}

impl Parts {
    fn add(&mut self, name: &'static str, place: Place, value: &Value) {
        match place {
            Place::Path => self.path.extend(wire::text(value).map(|v| (name, v))),
            Place::Query { .. } if self.rest => self.query.extend(wire::rest_query_pairs(name.into(), value)),
            Place::Query { explode } => self.query.extend(wire::query_pairs(name, value, explode)),
            Place::Header => self.headers.extend(wire::text(value).map(|v| (name, v))),
        }
    }
}

impl<T: DeserializeOwned, E: ErrorBody> Operation<T, E> {
    /// Decodes the HTTP response of this call, sent in `mode`.
    ///
    /// Any 2xx status is a success. Any other status is an [`Error::Api`] that carries the status,
    /// the raw body and, when the body or the status says which error it is, the typed error.
    pub fn decode(&self, mode: ApiMode, status: http::StatusCode, body: &[u8]) -> Result<T, Error<E>> {
        let route = self.route_in(mode)?;
        let envelope = route.surface() == Surface::Rest;
        if status.is_success() {
            // The answer of a login is the session id: never kept in an error.
            let kept = if route.creates_session() { Vec::new() } else { body.to_vec() };
            return wire::decode_success(body, envelope).map_err(|source| Error::Decode {
                operation: self.name,
                status,
                body: kept,
                source,
            });
        }
        let error = decode_error(body, envelope, status);
        Err(Error::Api(Box::new(ApiError { operation: self.name, status, error, body: body.to_vec() })))
    }
}

impl<T, E> Clone for Operation<T, E> {
    fn clone(&self) -> Self {
        Self {
            name: self.name,
            route: self.route,
            twin: self.twin,
            pinned: self.pinned,
            inputs: self.inputs.clone(),
            body: self.body.clone(),
            form: self.form,
            invalid: self.invalid.clone(),
            timeout: self.timeout,
            idempotent: self.idempotent,
            types: PhantomData,
        }
    }
}

/// Shows the operation's routes and the names of its inputs; values and the body are left out
/// because they may hold secrets.
impl<T, E> fmt::Debug for Operation<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inputs: Vec<&str> = self.inputs.iter().map(|input| input.name).collect();
        f.debug_struct("Operation")
            .field("name", &self.name)
            .field("route", &self.route)
            .field("legacy", &self.twin)
            .field("inputs", &inputs)
            .field("body", &self.body.as_ref().map(|_| "<set>"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Method;
    use serde_json::json;

    fn request<T, E>(op: &Operation<T, E>, mode: ApiMode) -> http::Request<Vec<u8>> {
        match op.http_request("https://vc.example.com/", Some(&SessionId::new("s3cr3t")), mode) {
            Ok(request) => request,
            Err(_) => panic!("the request builds"),
        }
    }

    fn body_json(request: &http::Request<Vec<u8>>) -> Value {
        serde_json::from_slice(request.body()).unwrap()
    }

    /// `GET /api/vcenter/vm?names=..&power_states=..`, paired with `GET /rest/vcenter/vm?filter.names=..`.
    fn list(names: Option<&[&str]>) -> Operation<Vec<Value>, Value> {
        Operation::new("vcenter::vm::list", Route::api(Method::Get, "/api/vcenter/vm"))
            .query("names", &names)
            .query("power_states", &["POWERED_ON"])
            .legacy(Legacy::new(Method::Get, "/rest/vcenter/vm").inputs(&[
                ("names", Target::Query("filter.names")),
                ("power_states", Target::Query("filter.power_states")),
            ]))
    }

    #[test]
    fn current_requests_fill_the_path_and_the_query() {
        let op: Operation<(), Value> =
            Operation::new("x::get", Route::api(Method::Get, "/api/vcenter/vm/{vm}/tools?action=x"))
                .path("vm", "vm 1/2")
                .query("flag", &true)
                .query("n", &Option::<i32>::None)
                .query_joined("ids", &["a", "b"]);
        let request = request(&op, ApiMode::Current);
        assert_eq!(request.method(), http::Method::GET);
        assert_eq!(
            request.uri(),
            "https://vc.example.com/api/vcenter/vm/vm%201%2F2/tools?action=x&flag=true&ids=a%2Cb"
        );
        assert_eq!(request.headers()[SESSION_HEADER], "s3cr3t");
        assert!(request.headers()[SESSION_HEADER].is_sensitive());
        assert!(request.body().is_empty() && !request.headers().contains_key(http::header::CONTENT_TYPE));
        assert_eq!(request.uri(), self::request(&op, ApiMode::Auto).uri());
        assert_eq!(request.uri(), self::request(&op, ApiMode::Legacy).uri(), "no twin: sent unchanged");
    }

    #[test]
    fn legacy_requests_rename_query_parameters() {
        let op = list(Some(&["a", "b"]));
        assert_eq!(
            request(&op, ApiMode::Current).uri(),
            "https://vc.example.com/api/vcenter/vm?names=a&names=b&power_states=POWERED_ON"
        );
        assert_eq!(
            request(&op, ApiMode::Legacy).uri(),
            "https://vc.example.com/rest/vcenter/vm?filter.names=a&filter.names=b&filter.power_states=POWERED_ON"
        );
        assert_eq!(op.route(ApiMode::Legacy).map(|r| r.path()), Some("/rest/vcenter/vm"));
        assert_eq!(op.route(ApiMode::Current).map(|r| r.path()), Some("/api/vcenter/vm"));
    }

    #[test]
    fn legacy_requests_wrap_the_body_move_inputs_and_send_maps_as_pairs() {
        let op: Operation<String, Value> = Operation::new(
            "cis::tagging::tag::add_to_used_by",
            Route::api(Method::Post, "/api/cis/tagging/tag/{tag_id}?action=add-to-used-by"),
        )
        .path("tag_id", "urn:1")
        .query("client_token", &"tok")
        .body(&json!({"name": "t", "params": {"k": "v"}}))
        .legacy(
            Legacy::new(Method::Post, "/rest/com/vmware/cis/tagging/tag/id:{tag}?~action=add-to-used-by")
                .wrap("create_spec")
                .inputs(&[("tag_id", Target::Path("tag")), ("client_token", Target::Body("client_token"))])
                .maps(&["create_spec/params"]),
        );
        let current = request(&op, ApiMode::Current);
        assert_eq!(
            current.uri(),
            "https://vc.example.com/api/cis/tagging/tag/urn%3A1?action=add-to-used-by&client_token=tok"
        );
        assert_eq!(body_json(&current), json!({"name": "t", "params": {"k": "v"}}));
        let legacy = request(&op, ApiMode::Legacy);
        assert_eq!(legacy.method(), http::Method::POST);
        assert_eq!(
            legacy.uri(),
            "https://vc.example.com/rest/com/vmware/cis/tagging/tag/id:urn%3A1?~action=add-to-used-by"
        );
        assert_eq!(legacy.headers()[http::header::CONTENT_TYPE], "application/json");
        assert_eq!(
            body_json(&legacy),
            json!({"create_spec": {"name": "t", "params": [{"key": "k", "value": "v"}]}, "client_token": "tok"})
        );
    }

    #[test]
    fn legacy_requests_move_body_fields_out_and_change_the_method() {
        let op: Operation<Vec<String>, Value> = Operation::new(
            "appliance::recovery::backup::system_name::list",
            Route::api(Method::Post, "/api/appliance/recovery/backup/system-name"),
        )
        .body(&json!({"location": "sftp://b", "location_user": "u", "location_password": null}))
        .legacy(Legacy::new(Method::Get, "/rest/appliance/recovery/backup/system-name").fields(&[
            ("location", Target::Query("loc_spec.location")),
            ("location_user", Target::Query("loc_spec.location_user")),
            ("location_password", Target::Query("loc_spec.location_password")),
        ]));
        let legacy = request(&op, ApiMode::Legacy);
        assert_eq!(legacy.method(), http::Method::GET);
        let query = legacy.uri().query().unwrap_or_default();
        assert_eq!(legacy.uri().path(), "/rest/appliance/recovery/backup/system-name");
        assert_eq!(query, "loc_spec.location=sftp%3A%2F%2Fb&loc_spec.location_user=u", "null is left out");
        assert!(legacy.body().is_empty(), "every field moved: no body");
        // A field moved out of a wrapped body, next to the rest of it.
        let op: Operation<(), Value> = Operation::new("x::set", Route::api(Method::Post, "/api/x"))
            .body(&json!({"username": "u", "config": {"a": 1}}))
            .legacy(Legacy::new(Method::Post, "/rest/x/{username}").fields(&[("username", Target::Path("username"))]));
        let legacy = request(&op, ApiMode::Legacy);
        assert_eq!(legacy.uri(), "https://vc.example.com/rest/x/u");
        assert_eq!(body_json(&legacy), json!({"config": {"a": 1}}));
    }

    #[test]
    fn form_bodies_are_sent_as_form_pairs() {
        let op: Operation<Value, Value> = Operation::new("x::token::issue", Route::api(Method::Post, "/api/x/token"))
            .form_body(&json!({"grant_type": "urn:a b", "scope": ["x", "y"], "actor_token": null, "n": 2}));
        let request = request(&op, ApiMode::Current);
        assert_eq!(request.headers()[http::header::CONTENT_TYPE], "application/x-www-form-urlencoded");
        assert_eq!(request.body(), b"grant_type=urn%3Aa+b&n=2&scope=x&scope=y");
        let bad: Operation<Value, Value> =
            Operation::new("x::y", Route::api(Method::Post, "/api/x")).form_body(&json!(["not", "an object"]));
        assert!(matches!(bad.http_request("https://vc", None, ApiMode::Current), Err(Error::Request { .. })));
    }

    #[test]
    fn unbridged_twins_fail_fast_in_legacy_mode_only() {
        let op: Operation<(), Value> =
            Operation::new("x::y", Route::api(Method::Get, "/api/x")).no_legacy("the /rest twin takes `z`");
        assert!(op.http_request("https://vc", None, ApiMode::Current).is_ok());
        match op.http_request("https://vc", None, ApiMode::Legacy) {
            Err(Error::Unavailable { operation, reason }) => {
                assert_eq!((operation, reason), ("x::y", "the /rest twin takes `z`"))
            }
            _ => panic!("expected Unavailable"),
        }
        assert!(matches!(op.decode(ApiMode::Legacy, http::StatusCode::OK, b""), Err(Error::Unavailable { .. })));
        assert!(op.route(ApiMode::Legacy).is_none() && op.route(ApiMode::Current).is_some());
    }

    #[test]
    fn pinned_twins_always_take_the_rest_route() {
        let op = list(None).into_legacy("vcenter::vm::list_legacy");
        assert_eq!(op.name(), "vcenter::vm::list_legacy");
        assert_eq!(
            request(&op, ApiMode::Current).uri(),
            "https://vc.example.com/rest/vcenter/vm?filter.power_states=POWERED_ON"
        );
        let values = op.decode(ApiMode::Current, http::StatusCode::OK, br#"{"value": [1]}"#).unwrap();
        assert_eq!(values, [json!(1)]);
    }

    #[test]
    fn decoding_follows_the_surface_of_the_route() {
        let op = list(None);
        assert_eq!(op.decode(ApiMode::Current, http::StatusCode::OK, b"[1, 2]").unwrap(), [json!(1), json!(2)]);
        assert_eq!(op.decode(ApiMode::Legacy, http::StatusCode::OK, br#"{"value": [3]}"#).unwrap(), [json!(3)]);
        assert!(op.decode(ApiMode::Legacy, http::StatusCode::OK, br#"{"value": null}"#).unwrap().is_empty());
        match op.decode(ApiMode::Current, http::StatusCode::NOT_FOUND, b"gone") {
            Err(Error::Api(api)) => {
                assert_eq!(api.status, http::StatusCode::NOT_FOUND);
                assert_eq!(api.body, b"gone");
                assert!(api.error.is_none());
            }
            _ => panic!("expected an API error"),
        }
        assert!(matches!(op.decode(ApiMode::Current, http::StatusCode::OK, b"{"), Err(Error::Decode { .. })));
    }

    #[test]
    fn bad_base_urls_and_session_ids_are_request_errors_that_do_not_echo_the_session() {
        let op = list(None);
        for (base, session) in [("not a url", SessionId::new("ok")), ("https://vc", SessionId::new("bad\nid-secret"))] {
            match op.http_request(base, Some(&session), ApiMode::Current) {
                Err(error @ Error::Request { .. }) => assert!(!error.to_string().contains("secret")),
                _ => panic!("expected a request error"),
            }
        }
    }

    #[test]
    fn debug_shows_routes_and_input_names_but_no_values() {
        let op: Operation<(), Value> = Operation::new("x::login", Route::api(Method::Post, "/api/x"))
            .header("x-password", "hunter2")
            .query("token", "hunter3")
            .body(&json!({"password": "hunter4"}));
        let text = format!("{op:?}");
        assert!(text.contains("x::login") && text.contains("x-password") && text.contains("token"), "{text}");
        assert!(!text.contains("hunter"), "{text}");
        let cloned = op.clone();
        assert_eq!(request(&cloned, ApiMode::Current).headers()["x-password"], "hunter2");
    }

    #[test]
    fn a_path_parameter_left_empty_or_missing_is_an_error_before_sending() {
        let route = Route::api(Method::Get, "/api/vcenter/vm/{vm}/hardware/disk/{disk}");
        let empty: Operation<(), Value> = Operation::new("x::get", route).path("vm", "").path("disk", "2000");
        let error = empty.http_request("https://vc", None, ApiMode::Current).unwrap_err();
        assert_eq!(error.to_string(), "could not build the request of `x::get`: the path parameter `vm` is empty");
        let missing: Operation<(), Value> = Operation::new("x::get", route).path("vm", "vm-1");
        let error = missing.http_request("https://vc", None, ApiMode::Current).unwrap_err();
        assert!(error.to_string().ends_with("the path parameter `disk` has no value"), "{error}");
        let null: Operation<(), Value> =
            Operation::new("x::get", route).path("vm", "vm-1").path("disk", &Option::<String>::None);
        assert!(null.http_request("https://vc", None, ApiMode::Current).is_err());
        let full: Operation<(), Value> = Operation::new("x::get", route).path("vm", "vm-1").path("disk", "2000");
        let request = full.http_request("https://vc", None, ApiMode::Current).unwrap();
        assert_eq!(request.uri(), "https://vc/api/vcenter/vm/vm-1/hardware/disk/2000");
    }

    #[test]
    #[cfg(feature = "client-no-provider")]
    fn idempotency_goes_by_the_own_route_unless_the_caller_says() {
        let get: Operation<(), Value> = Operation::new("x::get", Route::api(Method::Get, "/api/x"))
            .legacy(Legacy::new(Method::Post, "/rest/x?~action=get"));
        assert!(get.is_idempotent(), "a GET is idempotent, whatever its /rest twin's method");
        let post: Operation<(), Value> = Operation::new("x::create", Route::api(Method::Post, "/api/x"));
        assert!(!post.is_idempotent());
        assert!(post.clone().idempotent(true).is_idempotent());
        assert!(!get.clone().idempotent(false).is_idempotent());
        let slow = post.timeout(Duration::from_secs(3600));
        assert_eq!(slow.clone().own_timeout(), Some(Duration::from_secs(3600)), "kept by clone");
        assert_eq!(get.own_timeout(), None);
    }

    #[test]
    fn a_failed_login_keeps_no_body_in_its_error() {
        let login: Operation<SessionId, Value> =
            Operation::new("cis::session::create", Route::api(Method::Post, "/api/session"));
        match login.decode(ApiMode::Current, http::StatusCode::CREATED, br#"{"not": "a session id b00db39f"}"#) {
            Err(error @ Error::Decode { .. }) => {
                assert!(!format!("{error:?}").contains("b00db39f"), "{error:?}");
                let Error::Decode { body, .. } = error else { unreachable!() };
                assert!(body.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }
}
