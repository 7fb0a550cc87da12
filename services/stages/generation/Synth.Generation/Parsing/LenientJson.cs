using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Synth.Generation.Parsing;

/// <summary>
/// A JSON reader that tolerates what models commonly get wrong: single-quoted strings, unquoted keys, trailing
/// commas, text after the value, and an answer cut off mid-way. Every tolerance it used is listed in
/// <see cref="Repairs"/>. At the end of the text every open container is closed and marked incomplete; an array keeps
/// only its complete elements and remembers where the cut-off one began.
/// </summary>
public sealed class LenientJson
{
    // Deeper nesting than any sample needs is garbage, and unbounded recursion on it would overflow the stack.
    private const int MaxDepth = 64;

    private readonly string _text;
    private readonly HashSet<string> _repairs = [];
    private readonly HashSet<JsonNode> _incomplete = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<JsonArray, int> _cutElementStart = new(ReferenceEqualityComparer.Instance);
    private int _pos;
    private int _depth;

    private LenientJson(string text, int start)
    {
        _text = text;
        _pos = start;
    }

    public JsonNode? Root { get; private set; }

    /// <summary>Where the root value ends in the text.</summary>
    public int End { get; private set; }

    /// <summary>The text ended before the root value did.</summary>
    public bool Truncated => Root is not null && _incomplete.Contains(Root);

    public IReadOnlyCollection<string> Repairs => _repairs;

    /// <summary>Reads one JSON value starting at <paramref name="start"/>.</summary>
    public static LenientJson Read(string text, int start = 0)
    {
        var reader = new LenientJson(text, start);
        reader.Root = reader.Value(out _);
        reader.End = reader._pos;
        reader.SkipWhitespace();
        if (reader._pos < text.Length)
        {
            reader._repairs.Add("trailing-text");
        }
        return reader;
    }

    /// <summary>Where the element the text was cut inside began, when <paramref name="array"/> was cut off.</summary>
    public int? CutElementStart(JsonArray array) => _cutElementStart.TryGetValue(array, out var start) ? start : null;

    public string Slice(int start, int end) => _text[start..Math.Min(end, _text.Length)];

    private JsonNode? Value(out bool complete)
    {
        SkipWhitespace();
        complete = true;
        if (AtEnd)
        {
            complete = false;
            return null;
        }
        var c = _text[_pos];
        if (c is '{' or '[')
        {
            if (++_depth > MaxDepth)
            {
                throw new LenientJsonException($"nested deeper than {MaxDepth} levels", _pos);
            }
            var container = c == '{' ? (JsonNode)Object(out complete) : Array(out complete);
            _depth--;
            return container;
        }
        switch (c)
        {
            case '"':
            case '\'':
                var s = String(out complete);
                return s is null ? null : JsonValue.Create(s);
        }
        if (c == '-' || char.IsAsciiDigit(c))
        {
            return Number();
        }
        var word = Word();
        switch (word)
        {
            case "true": return JsonValue.Create(true);
            case "false": return JsonValue.Create(false);
            case "null": return null;
        }
        if (AtEnd && ("true".StartsWith(word, StringComparison.Ordinal) || "false".StartsWith(word, StringComparison.Ordinal) || "null".StartsWith(word, StringComparison.Ordinal)))
        {
            complete = false;
            return null;
        }
        throw new LenientJsonException($"unexpected '{(word.Length > 0 ? word : c)}'", _pos);
    }

    private JsonObject Object(out bool complete)
    {
        var obj = new JsonObject();
        _pos++;
        complete = false;
        while (true)
        {
            SkipWhitespace();
            if (AtEnd)
            {
                break;
            }
            if (_text[_pos] == '}')
            {
                _pos++;
                complete = true;
                return obj;
            }
            string? key;
            bool keyComplete;
            if (_text[_pos] is '"' or '\'')
            {
                key = String(out keyComplete);
            }
            else
            {
                key = Word();
                if (key.Length == 0)
                {
                    throw new LenientJsonException($"expected a property name, got '{_text[_pos]}'", _pos);
                }
                _repairs.Add("unquoted-key");
                keyComplete = !AtEnd;
            }
            SkipWhitespace();
            if (!keyComplete || AtEnd)
            {
                break;
            }
            Expect(':');
            var value = Value(out var valueComplete);
            if (!valueComplete)
            {
                // A cut-off container keeps what it had, so a truncated {"samples": [...]} still yields its complete items.
                if (value is JsonObject or JsonArray)
                {
                    obj[key!] = value;
                }
                break;
            }
            obj[key!] = value;
            SkipWhitespace();
            if (AtEnd)
            {
                break;
            }
            if (_text[_pos] == ',')
            {
                _pos++;
                SkipWhitespace();
                if (!AtEnd && _text[_pos] == '}')
                {
                    _repairs.Add("trailing-comma");
                }
            }
            else if (_text[_pos] != '}')
            {
                throw new LenientJsonException($"expected ',' or '}}', got '{_text[_pos]}'", _pos);
            }
        }
        _incomplete.Add(obj);
        return obj;
    }

    private JsonArray Array(out bool complete)
    {
        var array = new JsonArray();
        _pos++;
        complete = false;
        while (true)
        {
            SkipWhitespace();
            if (AtEnd)
            {
                break;
            }
            if (_text[_pos] == ']')
            {
                _pos++;
                complete = true;
                return array;
            }
            var start = _pos;
            var element = Value(out var elementComplete);
            if (!elementComplete)
            {
                if (element is not null || _pos > start)
                {
                    _cutElementStart[array] = start;
                }
                break;
            }
            array.Add(element);
            SkipWhitespace();
            if (AtEnd)
            {
                break;
            }
            if (_text[_pos] == ',')
            {
                _pos++;
                SkipWhitespace();
                if (!AtEnd && _text[_pos] == ']')
                {
                    _repairs.Add("trailing-comma");
                }
            }
            else if (_text[_pos] != ']')
            {
                throw new LenientJsonException($"expected ',' or ']', got '{_text[_pos]}'", _pos);
            }
        }
        _incomplete.Add(array);
        return array;
    }

    private string? String(out bool complete)
    {
        var quote = _text[_pos];
        if (quote == '\'')
        {
            _repairs.Add("single-quotes");
        }
        _pos++;
        var sb = new StringBuilder();
        while (!AtEnd)
        {
            var c = _text[_pos++];
            if (c == quote)
            {
                complete = true;
                return sb.ToString();
            }
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (AtEnd)
            {
                break;
            }
            var e = _text[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'u':
                    if (_pos + 4 > _text.Length)
                    {
                        _pos = _text.Length;
                        complete = false;
                        return null;
                    }
                    sb.Append((char)int.Parse(_text.AsSpan(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    _pos += 4;
                    break;
                default:
                    // \" \\ \/ and, inside single quotes, \' — any other escaped character stands for itself.
                    sb.Append(e);
                    break;
            }
        }
        complete = false;
        return null;
    }

    private JsonNode Number()
    {
        var start = _pos;
        while (!AtEnd && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] is '-' or '+' or '.' or 'e' or 'E'))
        {
            _pos++;
        }
        var token = _text[start.._pos];
        if (long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }
        throw new LenientJsonException($"bad number '{token}'", start);
    }

    private string Word()
    {
        var start = _pos;
        while (!AtEnd && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '$'))
        {
            _pos++;
        }
        return _text[start.._pos];
    }

    private void Expect(char c)
    {
        if (_text[_pos] != c)
        {
            throw new LenientJsonException($"expected '{c}', got '{_text[_pos]}'", _pos);
        }
        _pos++;
    }

    private void SkipWhitespace()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private bool AtEnd => _pos >= _text.Length;
}
