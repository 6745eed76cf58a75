import type { ComponentProps, ReactNode } from "react";

import { Field } from "@tenancy/widgets/ui/field";
import { Input } from "@tenancy/widgets/ui/input";

import { MIN_PASSWORD_LENGTH } from "@/lib/auth-client";
import { useTypedBeforeHydration } from "@/lib/typed-before-hydration";

// The email and password boxes of the sign-in, sign-up, password reset and account forms: one control
// each, so autofill and password managers see the same fields everywhere.

/** The hint under every box that takes a new password. */
export const NEW_PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters.`;

/** What is wrong with a new password, checked before asking the server (which enforces it too). */
export function newPasswordProblem(password: string): string | undefined {
  return password.length < MIN_PASSWORD_LENGTH ? `Use at least ${MIN_PASSWORD_LENGTH} characters.` : undefined;
}

type ControlProps = Omit<ComponentProps<typeof Input>, "type" | "value" | "onChange" | "required"> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  value: string;
  onChange: (value: string) => void;
};

/** The address a person signs in with. */
export function EmailField({ label, hint, error, value, onChange, ...inputProps }: ControlProps) {
  const ref = useTypedBeforeHydration(value, onChange);
  return (
    <Field label={label} hint={hint} error={error}>
      <Input
        ref={ref}
        name="email"
        type="email"
        autoComplete="email"
        required
        value={value}
        onChange={(event) => onChange(event.target.value)}
        {...inputProps}
      />
    </Field>
  );
}

/** A password box; `autoComplete` says whether it takes the current password or a new one. */
export function PasswordField({
  label,
  hint,
  error,
  value,
  onChange,
  ...inputProps
}: ControlProps & { autoComplete: "current-password" | "new-password" }) {
  const ref = useTypedBeforeHydration(value, onChange);
  return (
    <Field label={label} hint={hint} error={error}>
      <Input
        ref={ref}
        type="password"
        required
        value={value}
        onChange={(event) => onChange(event.target.value)}
        {...inputProps}
      />
    </Field>
  );
}

export interface NewPasswordProblems {
  password?: string;
  confirm?: string;
}

/** A new password typed twice: too short, or the two differ (`differ` says so in the form's words). */
export function newPasswordPairProblems(password: string, confirm: string, differ: string): NewPasswordProblems {
  return { password: newPasswordProblem(password), confirm: confirm !== password ? differ : undefined };
}

/** "New password" and "New password again", as the reset and change-password forms ask for them. */
export function NewPasswordFields({
  password,
  confirm,
  onPasswordChange,
  onConfirmChange,
  problems,
  autoFocus,
}: {
  password: string;
  confirm: string;
  onPasswordChange: (value: string) => void;
  onConfirmChange: (value: string) => void;
  problems: NewPasswordProblems;
  autoFocus?: boolean;
}) {
  return (
    <>
      <PasswordField
        label="New password"
        hint={NEW_PASSWORD_HINT}
        error={problems.password}
        autoComplete="new-password"
        autoFocus={autoFocus}
        value={password}
        onChange={onPasswordChange}
      />
      <PasswordField
        label="New password again"
        error={problems.confirm}
        autoComplete="new-password"
        value={confirm}
        onChange={onConfirmChange}
      />
    </>
  );
}
