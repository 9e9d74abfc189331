//! Where an operation is sent: method, path template and surface, and how an `/api` operation is
//! sent to its `/rest` twin. Everything here is static data that generated code writes out.

use std::fmt;

/// An HTTP method of the vSphere API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl Method {
    /// The method as `http` knows it.
    pub fn to_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Put => http::Method::PUT,
            Method::Post => http::Method::POST,
            Method::Delete => http::Method::DELETE,
            Method::Options => http::Method::OPTIONS,
            Method::Head => http::Method::HEAD,
            Method::Patch => http::Method::PATCH,
            Method::Trace => http::Method::TRACE,
        }
    }

    /// The method's name on the wire, such as `GET`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which of vCenter's two REST surfaces a route belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Surface {
    /// `/api`: bodies are sent and received as they are.
    Api,
    /// `/rest`: results come wrapped in `{"value": ...}`, errors in `{"type": ..., "value": ...}`.
    Rest,
}

/// The method and path of one way to call an operation.
///
/// The path is a template: `{name}` stands for the path parameter `name`, which is
/// percent-encoded into one segment when the request is built. It may end in a fixed query
/// string, such as `?action=clone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route {
    method: Method,
    path: &'static str,
    surface: Surface,
}

/// One constructor per method, for generated code: `Route::get("/api/vcenter/vm")`.
macro_rules! by_method {
    ($($name:ident => $method:ident),*) => {$(
        #[doc = concat!("A `", stringify!($method), "` route; its surface follows its path (see [`Surface::of`]).")]
        pub const fn $name(path: &'static str) -> Self {
            Self::new(Method::$method, path)
        }
    )*};
}

impl Surface {
    /// The surface of a path: `/rest` and everything below it is [`Surface::Rest`].
    pub const fn of(path: &str) -> Surface {
        let bytes = path.as_bytes();
        let rest = bytes.len() >= 5
            && bytes[0] == b'/'
            && bytes[1] == b'r'
            && bytes[2] == b'e'
            && bytes[3] == b's'
            && bytes[4] == b't'
            && (bytes.len() == 5 || bytes[5] == b'/' || bytes[5] == b'?');
        if rest {
            Surface::Rest
        } else {
            Surface::Api
        }
    }
}

impl Route {
    /// A route at `method` and `path`, of the surface its path says (see [`Surface::of`]).
    pub const fn new(method: Method, path: &'static str) -> Self {
        Self { method, path, surface: Surface::of(path) }
    }

    by_method!(
        get => Get, put => Put, post => Post, delete => Delete,
        options => Options, head => Head, patch => Patch, trace => Trace
    );

    /// A route of the `/api` surface.
    pub const fn api(method: Method, path: &'static str) -> Self {
        Self { method, path, surface: Surface::Api }
    }

    /// A route of the `/rest` surface.
    pub const fn rest(method: Method, path: &'static str) -> Self {
        Self { method, path, surface: Surface::Rest }
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The path template, with `{name}` for each path parameter and the fixed query, if any.
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// The surface, which decides the envelopes.
    pub fn surface(&self) -> Surface {
        self.surface
    }

    /// Whether responses on this route come in the `/rest` envelopes.
    pub fn is_legacy(&self) -> bool {
        self.surface == Surface::Rest
    }

    /// Whether this is the route that creates a session (`POST /api/session` or
    /// `POST /rest/com/vmware/cis/session`), which takes the user's credentials.
    pub fn creates_session(&self) -> bool {
        self.method == Method::Post && matches!(self.path, "/api/session" | "/rest/com/vmware/cis/session")
    }
}

/// Where an input of an `/api` operation goes on its `/rest` twin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The path parameter of this name.
    Path(&'static str),
    /// The query parameter of this name (the `/rest` surface often prefixes them, as in
    /// `filter.names`).
    Query(&'static str),
    /// This top-level key of the request body.
    Body(&'static str),
}

/// How an `/api` operation is sent to its `/rest` twin: generated from both operations of the
/// spec, for [`ApiMode::Legacy`](super::ApiMode::Legacy).
///
/// By default every input keeps its name and place, and the `/api` request body is the `/rest`
/// body. `inputs` lists the parameters that move or are renamed; `fields` the fields of the
/// `/api` body (dotted paths, such as `loc_spec.location`) that move out of it; `wrap` puts what
/// is left of the body under one key of the `/rest` body (the vAPI convention:
/// `{"spec": ...}`); `maps` lists the places in the `/rest` body where a map is sent as a
/// `[{"key": k, "value": v}]` list. Results and errors come back in the `/rest` envelopes,
/// which are unwrapped, and decode into the `/api` types (maps decode from either form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Legacy {
    route: Route,
    wrap: Option<&'static str>,
    inputs: &'static [(&'static str, Target)],
    fields: &'static [(&'static str, Target)],
    maps: &'static [&'static str],
}

impl Legacy {
    /// The `/rest` twin at `method` and `path`, taking every input as it is.
    pub const fn new(method: Method, path: &'static str) -> Self {
        Self { route: Route::rest(method, path), wrap: None, inputs: &[], fields: &[], maps: &[] }
    }

    by_method!(
        get => Get, put => Put, post => Post, delete => Delete,
        options => Options, head => Head, patch => Patch, trace => Trace
    );

    /// Sends the request body as `{"<key>": body}`.
    pub const fn wrap(mut self, key: &'static str) -> Self {
        self.wrap = Some(key);
        self
    }

    /// Moves or renames inputs: `(name of the /api input, where it goes)`.
    pub const fn inputs(mut self, inputs: &'static [(&'static str, Target)]) -> Self {
        self.inputs = inputs;
        self
    }

    /// Moves fields out of the `/api` body: `(dotted path in the /api body, where it goes)`.
    pub const fn fields(mut self, fields: &'static [(&'static str, Target)]) -> Self {
        self.fields = fields;
        self
    }

    /// The places in the `/rest` body whose maps are sent as `[{"key", "value"}]` lists: paths of
    /// object keys separated by `/`, with `*` for every element of a list (`spec/disks/*/tags`).
    pub const fn maps(mut self, paths: &'static [&'static str]) -> Self {
        self.maps = paths;
        self
    }

    /// The `/rest` route.
    pub fn route(&self) -> &Route {
        &self.route
    }

    /// The body key the `/api` body goes under, if any.
    pub fn body_key(&self) -> Option<&'static str> {
        self.wrap
    }

    /// Where an input of this name goes; `None` when it keeps its name and place.
    pub fn target(&self, name: &str) -> Option<Target> {
        self.inputs.iter().find(|(from, _)| *from == name).map(|(_, to)| *to)
    }

    /// The body fields that move (see [`Legacy::fields`]).
    pub fn moved_fields(&self) -> &'static [(&'static str, Target)] {
        self.fields
    }

    /// The map paths (see [`Legacy::maps`]).
    pub fn map_paths(&self) -> &'static [&'static str] {
        self.maps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_agree_with_http() {
        for method in [
            Method::Get,
            Method::Put,
            Method::Post,
            Method::Delete,
            Method::Options,
            Method::Head,
            Method::Patch,
            Method::Trace,
        ] {
            assert_eq!(method.to_http().as_str(), method.as_str());
            assert_eq!(method.to_string(), method.as_str());
        }
    }

    #[test]
    fn routes_know_their_surface_and_the_session_service() {
        let api = Route::api(Method::Post, "/api/session");
        assert!(!api.is_legacy() && api.creates_session());
        let rest = Route::rest(Method::Post, "/rest/com/vmware/cis/session");
        assert!(rest.is_legacy() && rest.creates_session());
        assert!(!Route::api(Method::Delete, "/api/session").creates_session());
        assert!(!Route::api(Method::Post, "/api/session/x").creates_session());
    }

    #[test]
    fn the_path_tells_the_surface() {
        assert_eq!(Route::get("/rest/vcenter/vm").surface(), Surface::Rest);
        assert_eq!(Route::get("/rest").surface(), Surface::Rest);
        assert_eq!(Route::get("/rest?~action=x").surface(), Surface::Rest);
        assert_eq!(Route::get("/restful/x").surface(), Surface::Api);
        assert_eq!(Route::post("/api/vcenter/vm").surface(), Surface::Api);
        assert_eq!(Route::delete("/api/x").method(), Method::Delete);
        assert_eq!(Legacy::patch("/rest/x").route().method(), Method::Patch);
        assert!(Legacy::put("/rest/x").route().is_legacy());
    }

    #[test]
    fn legacy_twins_are_const_data() {
        const TWIN: Legacy = Legacy::new(Method::Get, "/rest/vcenter/vm")
            .inputs(&[("names", Target::Query("filter.names"))])
            .maps(&["spec/tags"])
            .wrap("spec");
        assert_eq!(TWIN.route().path(), "/rest/vcenter/vm");
        assert_eq!(TWIN.target("names"), Some(Target::Query("filter.names")));
        assert_eq!(TWIN.target("vm"), None);
        assert_eq!(TWIN.body_key(), Some("spec"));
        assert_eq!(TWIN.map_paths(), ["spec/tags"]);
    }
}
