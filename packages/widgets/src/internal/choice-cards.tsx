import { cn } from "../ui/cn";

export interface Choice<T extends string> {
  value: T;
  label: string;
  description: string;
}

/**
 * Radio buttons drawn as cards (a label and a line of explanation each), for a choice whose options
 * need saying what they do: a token's environment, a domain's policy. Put it in a <fieldset> with a
 * <legend>, which names the group.
 */
export function ChoiceCards<T extends string>({
  name,
  choices,
  value,
  onChange,
  testIdPrefix,
  className,
}: {
  /** The radio group's name: unique on the page. */
  name: string;
  choices: readonly Choice<T>[];
  value: T;
  onChange: (value: T) => void;
  /** Each radio gets `${testIdPrefix}${choice.value}`. */
  testIdPrefix: string;
  /** The grid's columns, e.g. "sm:grid-cols-2". */
  className?: string;
}) {
  return (
    <div className={cn("grid gap-2", className)}>
      {choices.map((choice) => (
        <label
          key={choice.value}
          className={cn(
            "flex cursor-pointer gap-3 rounded-md border border-input p-3 text-sm transition-colors has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring",
            value === choice.value && "border-primary bg-accent",
          )}
        >
          <input
            type="radio"
            name={name}
            value={choice.value}
            checked={value === choice.value}
            onChange={() => onChange(choice.value)}
            className="mt-0.5 size-4 accent-primary"
            data-testid={`${testIdPrefix}${choice.value}`}
          />
          <span className="grid gap-0.5">
            <span className="font-medium">{choice.label}</span>
            <span className="text-xs text-muted-foreground">{choice.description}</span>
          </span>
        </label>
      ))}
    </div>
  );
}
