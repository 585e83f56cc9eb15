/** A few 16px line icons (decorative: always aria-hidden). */
const base = { width: 16, height: 16, viewBox: '0 0 16 16', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, strokeLinecap: 'round', strokeLinejoin: 'round', 'aria-hidden': true } as const;

export const KeyIcon = () => (
  <svg {...base}>
    <circle cx="5.5" cy="8" r="3" />
    <path d="M8.5 8h6M12.5 8v2.5" />
  </svg>
);
export const UsersIcon = () => (
  <svg {...base}>
    <circle cx="6" cy="5.5" r="2.5" />
    <path d="M1.5 13.5c.6-2.3 2.3-3.5 4.5-3.5s3.9 1.2 4.5 3.5M11 3.2a2.5 2.5 0 010 4.6M12.5 10.3c1 .5 1.7 1.6 2 3.2" />
  </svg>
);
export const ActivityIcon = () => (
  <svg {...base}>
    <path d="M1.5 8h3l2-5 3 10 2-5h3" />
  </svg>
);
export const SettingsIcon = () => (
  <svg {...base}>
    <circle cx="8" cy="8" r="2.2" />
    <path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4" />
  </svg>
);
export const MailIcon = () => (
  <svg {...base}>
    <rect x="1.5" y="3" width="13" height="10" rx="1.5" />
    <path d="M2 4l6 5 6-5" />
  </svg>
);
export const PlusIcon = () => (
  <svg {...base}>
    <path d="M8 3v10M3 8h10" />
  </svg>
);
export const SearchIcon = () => (
  <svg {...base}>
    <circle cx="7" cy="7" r="4.5" />
    <path d="M10.5 10.5L14 14" />
  </svg>
);
export const LockIcon = () => (
  <svg {...base}>
    <rect x="3" y="7" width="10" height="7" rx="1.5" />
    <path d="M5 7V5a3 3 0 016 0v2" />
  </svg>
);
export const EyeIcon = ({ off = false }: { off?: boolean }) => (
  <svg {...base}>
    <path d="M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8z" />
    <circle cx="8" cy="8" r="2" />
    {off ? <path d="M2.5 2.5l11 11" /> : null}
  </svg>
);
export const ChevronLeftIcon = () => (
  <svg {...base}>
    <path d="M10 3L5 8l5 5" />
  </svg>
);
export const TrashIcon = () => (
  <svg {...base}>
    <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4" />
  </svg>
);
export const InfoIcon = () => (
  <svg {...base}>
    <circle cx="8" cy="8" r="6.5" />
    <path d="M8 7.2v4M8 4.8v.1" />
  </svg>
);
