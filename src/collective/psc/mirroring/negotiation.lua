-- Choose the representation of a simple page from the Accept header, for
-- Apache's mod_lua, exactly as collective.psc.simple.negotiation does; the
-- mirroring tests compare the two on a table of headers.

local OFFERS = {
  {"application/vnd.pypi.simple.v1+json", "v1_json"},
  {"application/vnd.pypi.simple.latest+json", "v1_json"},
  {"application/vnd.pypi.simple.v1+html", "v1_html"},
  {"application/vnd.pypi.simple.latest+html", "v1_html"},
  {"text/html", "html"},
}

local function strip(text)
  return (text:gsub("^%s+", ""):gsub("%s+$", ""))
end

local function parse_accept(header)
  local ranges = {}
  for part in (header .. ","):gmatch("([^,]*),") do
    local media, parameters = strip(part):match("^([^;]*);?(.*)$")
    media = strip(media):lower()
    if media ~= "" then
      local quality = 1.0
      for parameter in (parameters .. ";"):gmatch("([^;]*);") do
        local key, value = parameter:match("^%s*([^=]*)=?(.*)$")
        if strip(key):lower() == "q" then
          local number = tonumber(strip(value))
          quality = number and math.min(math.max(number, 0.0), 1.0) or 0.0
        end
      end
      ranges[#ranges + 1] = {media, quality}
    end
  end
  return ranges
end

local function quality(offer, ranges)
  local kind = offer:match("^([^/]*)/")
  local best, specificity = 0.0, -1
  for _, range in ipairs(ranges) do
    local media, q = range[1], range[2]
    local rank = -1
    if media == offer then
      rank = 2
    elseif media == kind .. "/*" then
      rank = 1
    elseif media == "*/*" then
      rank = 0
    end
    if rank > specificity then
      best, specificity = q, rank
    end
  end
  return best
end

-- Return the suffix of the page file to serve: v1_json, v1_html or html.
function choose(accept)
  if accept == nil or strip(accept) == "" then
    return "html"
  end
  local ranges = parse_accept(accept)
  local best, answer = -1, "html"
  for _, offer in ipairs(OFFERS) do
    local q = quality(offer[1], ranges)
    if q > best then
      best, answer = q, offer[2]
    end
  end
  if best <= 0 then
    return "html"
  end
  -- A bare wildcard says nothing about formats: answer HTML, as PyPI does.
  for _, range in ipairs(ranges) do
    if range[1] ~= "*/*" and range[1] ~= "text/*" then
      return answer
    end
  end
  return "html"
end

-- Translate-name hook: on simple pages, tell mod_rewrite which file to
-- serve (PSC_VARIANT), and send other spellings of a name to the
-- normalized one (PEP 503), as the live center does.
function simple_variant(r)
  local base, name = r.uri:match("^(.*/simple/)([^/]+)/?$")
  if name then
    local normalized = name:lower():gsub("[-_.]+", "-")
    if normalized ~= name then
      r.headers_out["Location"] = base .. normalized .. "/"
      return 301
    end
  end
  if r.uri:match("/simple/$") or name then
    r.subprocess_env["PSC_VARIANT"] = choose(r.headers_in["Accept"])
  end
  return apache2.DECLINED
end
