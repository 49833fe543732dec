// Type declarations of the Styrke WebAssembly module's JavaScript API and of
// the <styrke-meter> element (wasm/styrke-meter.js). Hand-written; the Go
// package doc of wasm/ states the same contract.

/** A policy in the shape of policy/institutions/*.json (every field optional but id). */
export interface Policy {
  id: string;
  name?: string;
  contextWords?: string[];
  minLength?: number;
  maxLength?: number;
  threshold?: number;
  historySize?: number;
  breachThreshold?: number;
  breachCheck?: "prefer" | "require";
  activationTTL?: string;
  score?: {
    tiers?: { from: number; points: number; floor?: boolean }[];
    occurrenceLimit?: number;
    repeatScores?: boolean;
    categories?: "unicode" | "ascii";
    bonus?: { points: number; categories: number; minEach: number }[];
  };
  allowedCharacters?: { classes: ("upper" | "lower" | "digit" | "special")[]; extra: string };
  requiredClasses?: Partial<Record<"upper" | "lower" | "digit" | "special", number>>;
}

/** What evaluate takes. policy is an institution id or a Policy; absent means "default". */
export interface Input {
  password: string;
  username?: string | null;
  name?: string | null;
  /** The person's date of birth, "YYYY-MM-DD" (anything else is bad_input); a password holding it breaks rule birthdate. */
  birthDate?: string | null;
  /** The person's phone number, written in any way; a password holding its last eight digits breaks rule phone. */
  phone?: string | null;
  policy?: string | Policy | null;
  /** How often the breach corpus has seen the password; null/absent: not checked. */
  breachCount?: number | null;
  /** Language of messages and feedback; anything else means "nb". */
  lang?: "nb" | "nn" | "en" | string | null;
}

/** Exactly the CLI's Result JSON (policy.Result.AppendJSON). Never holds the password. */
export interface Result {
  score: number;
  bonus: number;
  threshold: number;
  ok: boolean;
  /** One entry per Unicode code point of the password. */
  chars: { points: number; category: "upper" | "lower" | "digit" | "special" | "none"; note: "" | "repeat" | "occurrence_limit"; pattern?: true }[];
  violations: {
    rule: "too_short" | "too_long" | "disallowed_character" | "control_character" | "missing_class" | "username" | "name" | "birthdate" | "phone" | "context" | "common" | "weak" | "breached" | "reused";
    params: Record<string, number | string>;
    message: string;
  }[];
  /** One or two next steps, in the requested language. */
  feedback: string[];
}

/** Bad input: never a throw, never a dead runtime. */
export interface ErrorResult {
  error: { code: "bad_input" | "unknown_policy" | "invalid_policy" | "internal"; message: string };
}

/** One problem of a policy, as `styrke policy validate` prints it ("field: message"). */
export interface Problem {
  field: string;
  message: string;
}

/** A Result without chars. */
export type Verdict = Omit<Result, "chars">;

export interface Styrke {
  evaluate(input: Input): Result | ErrorResult;
  /** evaluate without the per-character results: the fast call for checking many passwords. */
  verdict(input: Input): Verdict | ErrorResult;
  /** [] when valid; a document that does not parse gives one problem with field "". */
  policyProblems(policy: Policy | string): Problem[] | ErrorResult;
}

/** Resolves to globalThis.styrke once the module has started; rejects when it cannot (e.g. CSP forbids WebAssembly). */
export declare const ready: Promise<Styrke>;

declare global {
  // eslint-disable-next-line no-var
  var styrke: Styrke | undefined;

  /** Detail of the styrke-change event (bubbles, composed). Never holds the password. */
  interface StyrkeChangeDetail {
    ok: boolean;
    score: number;
    threshold: number;
    rules: { rule: string; params: Record<string, number | string>; message: string }[];
  }

  /**
   * <styrke-meter for="input-id" policy="uit" lang="nb" username="..." name="..."
   *   birthdate="YYYY-MM-DD" phone="..." username-input="id" name-input="id"
   *   base="https://api.pwnedpasswords.com">
   *   <span id="pw-meter" slot="description">fallback text</span></styrke-meter>
   * A child with slot="description" (the fallback text, which the field's
   * aria-describedby names for when the meter cannot run) becomes the
   * meter's description of the field once it runs: its text is replaced
   * by the verdict. Without one the meter adds its own child and its id to
   * the field's aria-describedby.
   */
  interface HTMLStyrkeMeterElement extends HTMLElement {
    /** The Result for the field's current value, or null before the module is ready. */
    evaluate(): Result | ErrorResult | null;
    /**
     * Re-renders from the field's current value. The element calls it on the
     * field's events, a form reset, a value set by script (through the
     * field's value property) and any change of its attributes; call it after
     * changing what the meter cannot see.
     */
    render(): void;
    /** Asks the range API about the current password (the element does this on blur and submit). */
    checkBreach(): Promise<void>;
    /**
     * Shows the server's refusal of the password now in the field (the body
     * of a 422 answer: a Result, or any object with `violations`) as part of
     * the meter's verdict until the field changes, so that a page never says
     * "meets the requirements" above the server's "no". Rules the meter does
     * not know (a directory's own) are listed under "Accepted by the service".
     */
    serverRefusal(result: { violations: Array<{ rule: string; params?: Record<string, string | number>; message: string }> }): void;
  }

  interface HTMLElementTagNameMap {
    "styrke-meter": HTMLStyrkeMeterElement;
  }

  interface HTMLElementEventMap {
    "styrke-change": CustomEvent<StyrkeChangeDetail>;
  }
}
